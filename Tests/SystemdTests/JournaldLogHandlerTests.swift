import Logging
@testable import Systemd
import Testing

@Suite struct JournaldLogHandlerTests {
    @Test func fieldsCarryThePriorityTheCodeAndTheMetadata() {
        let fields = JournaldLogHandler.fields(
            level: .error, message: "A journaled file could not be moved out of the inbox.",
            metadata: ["file": "خبر.txt", "seq": "12", "errno": "13", "error": "rename \"a\": Permission denied (EACCES)"],
            identifier: "ingestd", file: "IngestDaemon/BackgroundMover.swift", function: "perform(_:)", line: 248)
        #expect(fields == [
            "MESSAGE=A journaled file could not be moved out of the inbox. errno=13 error=rename \"a\": Permission denied (EACCES) file=خبر.txt seq=12",
            "PRIORITY=3",
            "SYSLOG_IDENTIFIER=ingestd",
            "CODE_FILE=IngestDaemon/BackgroundMover.swift",
            "CODE_LINE=248",
            "CODE_FUNC=perform(_:)",
            "ERRNO=13",
            "INGESTD_ERROR=rename \"a\": Permission denied (EACCES)",
            "INGESTD_FILE=خبر.txt",
            "INGESTD_SEQ=12",
        ])
    }

    @Test func aMessageWithoutMetadataIsItself() {
        let fields = JournaldLogHandler.fields(level: .info, message: "ingestd stopped", metadata: [:], identifier: "ingestd",
                                               file: "f", function: "g", line: 1)
        #expect(fields.first == "MESSAGE=ingestd stopped")
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func priorities(level: Logger.Level, priority: Int) {
        #expect(JournaldLogHandler.priority(level) == priority)
    }

    @Test(arguments: [
        ("file", "INGESTD_FILE"), ("errno", "ERRNO"), ("new file", "INGESTD_NEW_FILE"), ("saved_to", "INGESTD_SAVED_TO"),
        ("مفتاح", "INGESTD______"), (String(repeating: "k", count: 80), "INGESTD_" + String(repeating: "K", count: 56)),
    ])
    func fieldNames(key: String, name: String) {
        #expect(JournaldLogHandler.fieldName(key) == name)
    }

    @Test func theJournalStreamIsKnownByDeviceAndInode() {
        #expect(JournalStream.matches("64769:1234", device: 64769, inode: 1234))
        #expect(!JournalStream.matches("64769:1235", device: 64769, inode: 1234))
        #expect(!JournalStream.matches("64769", device: 64769, inode: 1234))
        #expect(!JournalStream.matches("", device: 0, inode: 0))
        #expect(!JournalStream.matches("a:b", device: 0, inode: 0))
    }

    @Test func handlerMetadataIsAValue() {
        var handler = JournaldLogHandler(identifier: "ingestd", logLevel: .warning)
        var copy = handler
        handler[metadataKey: "file"] = "a.txt"
        copy.logLevel = .error
        #expect(handler[metadataKey: "file"] == "a.txt" && copy[metadataKey: "file"] == nil)
        #expect(handler.logLevel == .warning)
    }
}
