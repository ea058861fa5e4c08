import CofferCore
import Foundation

/// Reads a file line by line without loading it whole; over-long or non-UTF-8 lines are errors.
/// Lines are handed over as bytes in the reader's own buffer: nothing is copied per line.
struct LineReader {
    /// One line, as `usage import` takes it.
    enum Line {
        /// Only spaces, tabs and carriage returns: skipped.
        case blank
        /// The line's bytes (valid UTF-8, a leading byte order mark dropped), valid during the call.
        case text(UnsafeBufferPointer<UInt8>)
        /// A line that cannot be read, with the reason.
        case refused(CofferError)
    }

    let handle: FileHandle
    let maxLineBytes: Int
    /// Bytes read and not yet handed over are `buffer[start...]`; the first `searched` of them hold no newline.
    private var buffer: [UInt8] = []
    private var start = 0
    private var searched = 0
    private var number = 0
    private var atEnd = false

    /// A reader of `handle` refusing lines longer than `maxLineBytes` (or so: a line is refused
    /// once that many bytes without a newline are waiting; it is read in chunks of 64 KiB).
    init(handle: FileHandle, maxLineBytes: Int) {
        self.handle = handle
        self.maxLineBytes = maxLineBytes
        buffer.reserveCapacity(1 << 17)
    }

    /// Calls `body` with the next line's number and what it holds; false at the end of the file.
    mutating func next(_ body: (Int, Line) throws -> Void) throws -> Bool {
        while true {
            let newline = buffer.withUnsafeBufferPointer { all in
                let from = start + searched
                guard from < all.count, let found = memchr(all.baseAddress! + from, 0x0A, all.count - from) else { return nil as Int? }
                return all.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                let line = start..<newline
                (start, searched) = (newline + 1, 0)
                try emit(line, body)
                return true
            }
            searched = buffer.count - start
            if buffer.count - start > maxLineBytes {
                // Skip the rest of an over-long line.
                number += 1
                let line = number
                buffer.removeAll(keepingCapacity: true)
                (start, searched) = (0, 0)
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    if let newline = chunk.firstIndex(of: 0x0A) { buffer.append(contentsOf: chunk[(newline + 1)...]); break }
                }
                try body(line, .refused(CofferError("line is longer than \(maxLineBytes) bytes")))
                return true
            }
            if atEnd {
                guard buffer.count > start else { return false }
                let line = start..<buffer.count
                (start, searched) = (buffer.count, 0)
                try emit(line, body)
                return true
            }
            if let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                if start > 0 {
                    // Only the start of a line is left before the new chunk: move it to the front.
                    buffer.removeSubrange(0..<start)
                    start = 0
                }
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    private mutating func emit(_ range: Range<Int>, _ body: (Int, Line) throws -> Void) throws {
        number += 1
        let line = number
        try buffer.withUnsafeBufferPointer { all in
            try body(line, Self.classify(UnsafeBufferPointer(rebasing: all[range])))
        }
    }

    /// What a line's bytes hold, as `String(data:encoding: .utf8)` read them before: UTF-8 or
    /// refused, without a leading byte order mark, blank or text.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> Line {
        if bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            return .refused(CofferError("not valid UTF-8"))
        }
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeBufferPointer(rebasing: bytes[3...]) : bytes
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        return .text(text)
    }
}
