internal import CSQLite

/// A failed SQLite call: the operation, SQLite's result code and its message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String
    public var description: String { "sqlite \(operation) failed (\(code)): \(message)" }
}

/// One SQLite connection. Not thread-safe: its owner serialises every call (the store's
/// writer queue owns the only connection).
final class SQLiteDatabase {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(operation: "open \(path)", code: rc, message: message)
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that returns no rows (schema, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw SQLiteError(operation: sql, code: rc, message: message)
        }
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// A cached prepared statement for `sql`, reset and with bindings cleared.
    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return statement
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw SQLiteError(operation: "prepare \(sql)", code: rc, message: lastMessage) }
        statements[sql] = statement
        return statement
    }

    /// A value bound to a statement parameter.
    enum Value {
        case text(String)
        case integer(Int64)
        case blob([UInt8])
    }

    private func bind(_ values: [Value], to statement: OpaquePointer, sql: String) throws(SQLiteError) {
        // SQLITE_TRANSIENT is a macro that does not import: -1 cast to the destructor type.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .text(let text): rc = sqlite3_bind_text(statement, index, text, -1, transient)
            case .integer(let number): rc = sqlite3_bind_int64(statement, index, number)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), transient)
                }
            }
            if rc != SQLITE_OK { throw SQLiteError(operation: "bind \(sql)", code: rc, message: lastMessage) }
        }
    }

    /// Runs a statement that changes rows.
    func run(_ sql: String, _ values: [Value]) throws(SQLiteError) {
        let statement = try prepared(sql)
        try bind(values, to: statement, sql: sql)
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        if rc != SQLITE_DONE { throw SQLiteError(operation: sql, code: rc, message: lastMessage) }
    }

    /// One row as the query returned it.
    struct Row {
        fileprivate let statement: OpaquePointer

        func text(_ column: Int32) -> String {
            guard let pointer = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: pointer)
        }

        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }
    }

    /// Runs a query and hands each row to `body`.
    func query(_ sql: String, _ values: [Value] = [], _ body: (Row) throws -> Void) throws {
        let statement = try prepared(sql)
        try bind(values, to: statement, sql: sql)
        defer { sqlite3_reset(statement) }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw SQLiteError(operation: sql, code: rc, message: lastMessage) }
            try body(Row(statement: statement))
        }
    }
}
