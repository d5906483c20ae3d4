import Testing

@testable import MarvinNode

/// The transitions of node-runtime §5.3 with the texts of §5.4 and §9.3.
@Suite struct TaskLifecycleTests {
    static let timing = NodeConfig.Timing()
    // start 10_000, stop 10_600: pre-start at 9_910, deploy deadline at 10_540.
    static let timers = TaskTimers(start: 10_000, stop: 10_600, timing: timing)

    static func next(_ state: TaskState, _ event: TaskLifecycle.Event, at now: Int64 = 5_000, reason: StopReason? = nil) -> TaskLifecycle.Step? {
        TaskLifecycle.next(from: state, on: event, now: now, timers: timers, timing: timing, reason: reason)
    }

    @Test func timers() {
        #expect(Self.timers == TaskTimers(start: 10_000, stop: 10_600, timing: Self.timing))
        #expect(Self.timers.preStart == 9_910)
        #expect(Self.timers.idle == 9_968)
        #expect(Self.timers.deployDeadline == 10_540)
        #expect(Self.timers.backupStop == 10_630)
    }

    @Test func deployOutcomes() {
        #expect(Self.next(.received, .definitionReady(invalid: nil)) == .init(.deploying))
        #expect(Self.next(.received, .definitionReady(invalid: "failed; invalid deployment option storage")) == .init(.cleaning, status: "failed; invalid deployment option storage"))
        #expect(Self.next(.deploying, .deployFinished(code: 0)) == .init(.deployed, status: "deployed"))
        #expect(Self.next(.delayed, .deployFinished(code: 0), at: 9_950) == .init(.preparing, status: "deployed"), "a late deploy prepares at once")
        #expect(Self.next(.deploying, .deployFinished(code: 0), at: 10_540) == .init(.cleaning, status: "failed; deployment time exceeded stop time, skipped start hook"))
        #expect(Self.next(.deploying, .deployFinished(code: 100)) == .init(.delayed, status: "delayed; container does not exist, or i/o timeout"))
        #expect(Self.next(.deploying, .deployFinished(code: 102)) == .init(.cleaning, status: "failed; storage quota exceeded during deployment"))
        #expect(Self.next(.deploying, .deployFinished(code: 124)) == .init(.cleaning, status: "failed; container downloading timeout"))
        #expect(Self.next(.deploying, .deployFinished(code: 1)) == .init(.cleaning, status: "failed; Unknown Error 1"))
        #expect(Self.next(.deploying, .downloadingInBackground) == .init(.deploying, status: "delayed; container downloading in background"))
        #expect(Self.next(.delayed, .deployDeadline) == .init(.cleaning, status: "failed; deployment time exceeded stop time"))
        #expect(Self.next(.deployed, .deployFinished(code: 0)) == nil)
        #expect(Self.next(.delayed, .retryDeploy) == .init(.deploying), "a retry reports nothing of its own")
        #expect(Self.next(.deploying, .retryDeploy) == nil)
    }

    @Test func startAndMaintenance() {
        #expect(Self.next(.deployed, .preStartTimer(maintenance: false, late: false)) == .init(.preparing))
        #expect(Self.next(.deployed, .preStartTimer(maintenance: true, late: false)) == .init(.cleaning, status: "failed; node is in maintenance mode."))
        #expect(Self.next(.preparing, .preStartTimer(maintenance: true, late: true)) == .init(.cleaning, status: "failed; started into maintenance mode."))
        #expect(Self.next(.deployed, .nodeOccupied, at: 9_910) == .init(.deployed, status: "delayed; currently running another experiment"))
        #expect(Self.next(.preparing, .nodeOccupied, at: 10_540) == .init(.cleaning, status: "failed; node busy with another experiment until stop time"))
        #expect(Self.next(.preparing, .runStarted(restart: false)) == .init(.running, status: "started"))
        #expect(Self.next(.preparing, .runStarted(restart: true)) == .init(.running, status: "restarted"))
        #expect(Self.next(.preparing, .startFailed(code: 11)) == .init(.cleaning, status: "failed; network namespace does not exist."))
        #expect(Self.next(.preparing, .startFailed(code: 127)) == .init(.cleaning, status: "failed; docker run exit code 127: entry point not found?"))
        #expect(Self.next(.preparing, .startFailed(code: 2)) == .init(.cleaning, status: "failed; start hook exit code 2."))
        #expect(Self.next(.preparing, .resultsUnmountable) == .init(.cleaning, status: "failed; results filesystem could not be mounted after restart"))
        #expect(Self.next(.running, .resultsUnmountable) == nil)
    }

    @Test func stopsAndFinalTexts() {
        #expect(Self.next(.running, .stop(.timer)) == .init(.stopping, reason: .timer))
        #expect(Self.next(.stopping, .runGone(exitCode: 137), reason: .timer) == .init(.cleaning, status: "stopped"))
        #expect(Self.next(.stopping, .runGone(exitCode: 0), reason: .exited) == .init(.cleaning, status: "finished"))
        #expect(Self.next(.stopping, .runGone(exitCode: 2), reason: .exited) == .init(.cleaning, status: "failed; container exited with code 2"))
        #expect(Self.next(.stopping, .runGone(exitCode: nil), reason: .traffic(interface: "8946", netns: "op0"))
            == .init(.cleaning, status: "failed; traffic quota exceeded on interface 8946 (op0)"))
        #expect(Self.next(.stopping, .runGone(exitCode: 0), reason: .aborted) == .init(.cleaning))
        // Recovery (§5.8): a run lost to a reboot or engine restart.
        #expect(Self.next(.running, .runLost(stopPassed: true, restart: true)) == .init(.stopping, reason: .nodeDown))
        #expect(Self.next(.running, .runLost(stopPassed: false, restart: true)) == .init(.preparing))
        #expect(Self.next(.running, .runLost(stopPassed: false, restart: false)) == .init(.stopping, reason: .noRestart))
        #expect(Self.next(.stopping, .runGone(exitCode: nil), reason: .nodeDown) == .init(.cleaning, status: "stopped; node was down at stop time"))
        #expect(Self.next(.stopping, .runGone(exitCode: nil), reason: .noRestart)
            == .init(.cleaning, status: "failed; node restarted during the experiment (restart=0)"))
        #expect(StatusTexts.final(reason: .exited, exitCode: 1, vm: true, guestPoweredOff: false) == "failed; vm exited with code 1")
        #expect(StatusTexts.final(reason: .nodeDown, exitCode: nil) == "stopped; node was down at stop time")
        #expect(Self.next(.cleaning, .cleaned) == .init(.syncing))
        #expect(Self.next(.syncing, .synced) == .init(.done))
    }

    @Test func abortsDependOnTheState() {
        #expect(Self.next(.deploying, .abort) == .init(.cleaning, reason: .aborted))
        #expect(Self.next(.preparing, .abort) == .init(.cleaning, reason: .aborted))
        #expect(Self.next(.running, .abort) == .init(.stopping, reason: .aborted))
        #expect(Self.next(.stopping, .abort) == nil, "the node's own final status stays")
        #expect(Self.next(.syncing, .abort) == nil)
        #expect(TaskState.allCases.filter(\.occupiesNode) == [.preparing, .running, .stopping, .cleaning])
    }
}
