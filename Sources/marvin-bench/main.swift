// Benchmarks are added with the ctld benchmark (issue 2 item 9).
print("marvin-bench: no benchmark yet")
