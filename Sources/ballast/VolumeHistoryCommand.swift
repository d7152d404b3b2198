import ArgumentParser
import BallastAPI
import BallastCLI
import BallastClient

extension Ballast.PV {
    /// `ballast pv history NAME`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A volume's whole life as a timeline: provisioned, bound, mounted by which pods where, expanded, released, reclaimed.",
            discussion: "Kept while the PV exists and for the server's --volume-history-retention after (30 days by default).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The PersistentVolume's name.") var name: String

        func run() async throws {
            guard let history = try await options.client().getIfPresent(VolumeHistory.self, name: name) else {
                throw ValidationError("no history of persistentvolume \"\(name)\": no such volume, or its history has expired")
            }
            let timeline = VolumeTimeline(history)
            print(try options.format.render(timeline) { timeline.text }, terminator: "")
        }
    }
}
