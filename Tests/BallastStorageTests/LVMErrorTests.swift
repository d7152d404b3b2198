@testable import BallastStorage
import Testing

@Suite("LVMError: one place decides what lvm meant")
struct LVMErrorTests {
    // Messages as lvm 2.03.16 prints them (captured on this machine).
    @Test("return code and message together decide the kind", arguments: [
        (5, "Volume group \"nosuch\" not found", LVMError.Kind.notFound),
        (5, "Failed to find logical volume \"vgx/nope\"", .notFound),
        (5, "No PV found on device /dev/loop0.", .notFound),
        (5, "Logical Volume \"lv1\" already exists in volume group \"vgx\"", .alreadyExists),
        (5, "A volume group called vgx already exists.", .alreadyExists),
        (5, "Volume group \"vgx\" has insufficient free space (47 extents): 256 required.", .insufficientSpace),
        (5, "Insufficient free space: 45 extents needed, but only 23 available", .insufficientSpace),
        (5, "Insufficient suitable contiguous allocatable extents for logical volume lv3: 1 more required", .insufficientSpace),
        (5, "New size (5 extents) matches existing size (5 extents).", .sizeUnchanged),
        (5, "New size given (3 extents) not larger than existing size (5 extents)", .sizeUnchanged),
        (5, "Cannot use /dev/loop1: device is rejected by filter config", .deviceRejected),
        (5, "1 existing signature left on the device.", .signatureFound),
        (3, "Logical volume name \"bad name\" is invalid.", .invalidArgument),
        (5, "Some other failure", .failed),
        // The same words under another code are not trusted (as TopoLVM's IsLVMNotFound).
        (4, "Volume group \"nosuch\" not found", .failed),
    ])
    func classifies(code: Int32, message: String, kind: LVMError.Kind) {
        #expect(LVMError.classify(returnCode: code, messages: ["  WARNING: Activation disabled.", message]) == kind)
    }

    @Test("the driver sees invalid requests as .invalid and signatures as .unsafe")
    func volumeError() {
        #expect(LVMError(.invalidArgument, command: "x").volumeError.kind == .invalid)
        #expect(LVMError(.unsupported, command: "x").volumeError.kind == .invalid)
        #expect(LVMError(.signatureFound, command: "x").volumeError.kind == .unsafe)
        #expect(LVMError(.insufficientSpace, command: "x").volumeError.kind == .failed)
    }

    @Test("the description names the command, the code and lvm's words")
    func description() {
        let error = LVMError(.notFound, command: "lvremove -f vg/lv", returnCode: 5, messages: ["  Failed to find logical volume \"vg/lv\""])
        #expect(error.description == "lvm lvremove -f vg/lv failed (5): Failed to find logical volume \"vg/lv\"")
    }
}
