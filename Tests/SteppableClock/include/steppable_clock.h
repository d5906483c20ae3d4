// The library is used by preloading it; this marks that it was built.
int marvin_steppable_clock_linked(void);
