import BallastStorage
import Testing

@Suite("LVMConfiguration: the lvm.conf Ballast writes")
struct LVMConfigurationTests {
    @Test("only the listed devices pass the filter; everything else is rejected")
    func filter() {
        let configuration = LVMConfiguration(stateDirectory: "/var/lib/ballast/lvm", devices: ["/dev/loop3", "/dev/disk/by-id/a.b+c"],
                                             activation: false, udev: false)
        #expect(configuration.lvmConf.contains(#"global_filter = [ "a|^/dev/loop3$|", "a|^/dev/disk/by-id/a[.]b[+]c$|", "r|.*|" ]"#))
        let none = LVMConfiguration(stateDirectory: "/s", devices: [], activation: false, udev: false)
        #expect(none.lvmConf.contains(#"global_filter = [ "r|.*|" ]"#))
    }

    @Test("activation, udev and umask are what the host needs", arguments: [true, false])
    func hostSettings(deviceMapper: Bool) {
        let text = LVMConfiguration(stateDirectory: "/s", activation: deviceMapper, udev: deviceMapper).lvmConf
        #expect(text.contains("activation = \(deviceMapper ? 1 : 0)"))
        #expect(text.contains("udev_sync = \(deviceMapper ? 1 : 0)"))
        #expect(text.contains("umask = 022"))
        #expect(text.contains(#"locking_dir = "/s/lock""#))
        #expect(text.contains(#"hints = "none""#))
        #expect(text.contains("use_devicesfile = 0"))
        #expect(text.contains("obtain_device_list_from_udev = 0"))
    }
}
