import Dispatch
import Foundation
import Synchronization

/// A serial executor with one thread of its own, for `LibLVMBackend`.
///
/// lvm2_run blocks for as long as lvm works (scans, metadata writes, seconds on a slow
/// disk) and cannot be interrupted; on the cooperative pool that would take a thread from
/// every other task. Here it blocks only this thread, and every call into the library
/// comes from the same thread, whatever lvm may keep per thread.
final class LVMExecutor: SerialExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    /// Starts the thread, named `name` for debuggers and /proc.
    init(name: String) {
        // The thread holds the executor for good: a backend lives as long as its process.
        let thread = Thread { [self] in
            while true {
                ready.wait()
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                job.runSynchronously(on: self.asUnownedSerialExecutor())
            }
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }
}
