import BallastAPI
import Foundation
import Testing

@Suite("Event")
struct EventTests {
    static let event = """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"data.17a9","namespace":"default"},
         "involvedObject":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data","uid":"u-1","apiVersion":"v1","resourceVersion":"42"},
         "reason":"ProvisioningSucceeded","message":"Successfully provisioned volume pvc-u-1\\n","source":{"component":"ballast-provisioner","host":"node-1"},
         "firstTimestamp":"2023-11-14T22:13:20Z","lastTimestamp":"2023-11-14T22:16:20Z","count":3,"type":"Normal"}
        """

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Event.self, #"{"metadata":{}}"#)
        let info = Event.resource
        #expect(info.plural == "events")
        #expect(info.shortNames == ["ev"])
        #expect(info.namespaced)
        #expect(!info.hasStatus)
    }

    @Test func selectableFields() throws {
        let event = try StorageFixtures.decode(Event.self, Self.event)
        #expect(event.selectableFields == [
            "involvedObject.kind": "PersistentVolumeClaim",
            "involvedObject.namespace": "default",
            "involvedObject.name": "data",
            "involvedObject.uid": "u-1",
            "involvedObject.apiVersion": "v1",
            "involvedObject.resourceVersion": "42",
            "involvedObject.fieldPath": "",
            "reason": "ProvisioningSucceeded",
            "reportingComponent": "",
            "source": "ballast-provisioner",
            "type": "Normal",
        ])
        let query = try FieldQuery(parsing: "involvedObject.kind=PersistentVolumeClaim,involvedObject.name=data,type!=Warning")
        #expect(query.matches(event.selectableFields))
    }

    @Test func sourceFallsBackToTheReportingComponent() throws {
        var event = try StorageFixtures.decode(Event.self, Self.event)
        event.source = nil
        event.reportingComponent = "ballast-scheduler"
        #expect(event.selectableFields["source"] == "ballast-scheduler")
        #expect(event.selectableFields["reportingComponent"] == "ballast-scheduler")
    }

    @Test func legacyEventsValidate() throws {
        let event = try StorageFixtures.decode(Event.self, Self.event)
        #expect(event.validate() == [])
        var elsewhere = event
        elsewhere.involvedObject?.namespace = "other"
        #expect(elsewhere.validate().map(\.description) == [#"involvedObject.namespace: Invalid value: "other": does not match event.namespace"#])
    }

    @Test func newStyleEventsNameTheirReporter() throws {
        var event = try StorageFixtures.decode(Event.self, Self.event)
        event.eventTime = MicroTime(Date(timeIntervalSince1970: 1_700_000_000))
        #expect(event.validate().map(\.description) == [
            "reportingController: Required value",
            #"reportingController: Invalid value: "": name part must be non-empty"#,
            "reportingInstance: Required value",
            "action: Required value",
        ])
        event.reportingComponent = "ballast.io/binder"
        event.reportingInstance = "binder-node-1"
        event.action = "Binding"
        #expect(event.validate() == [])
    }

    @Test func tablePutsNameLast() throws {
        let event = try StorageFixtures.decode(Event.self, Self.event)
        #expect(Event.allTableColumns.map(\.name) == [
            "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name",
        ])
        #expect(Event.allTableColumns.map(\.priority) == [0, 0, 0, 0, 1, 1, 0, 1, 1, 1])
        #expect(Event.tableColumns.count == 9)
        #expect(event.tableCells(now: StorageFixtures.now) == [
            .string("2m"), .string("Normal"), .string("ProvisioningSucceeded"), .string("persistentvolumeclaim/data"), .string(""),
            .string("ballast-provisioner, node-1"), .string("Successfully provisioned volume pvc-u-1"), .string("5m"), .int(3),
            .string("data.17a9"),
        ])
    }

    @Test func seriesAndSingletonEventsCount() throws {
        var event = try StorageFixtures.decode(Event.self, #"{"metadata":{"name":"e","namespace":"default"},"involvedObject":{"kind":"Node"}}"#)
        event.eventTime = MicroTime(Date(timeIntervalSince1970: 1_700_000_240))
        var cells = event.tableCells(now: StorageFixtures.now)
        #expect(cells[0] == "60s")
        #expect(cells[3] == "node")
        #expect(cells[7] == "60s")
        #expect(cells[8] == .int(1))
        event.series = EventSeries(count: 7, lastObservedTime: MicroTime(Date(timeIntervalSince1970: 1_700_000_290)))
        cells = event.tableCells(now: StorageFixtures.now)
        #expect(cells[0] == "10s")
        #expect(cells[8] == .int(7))
    }
}
