import Foundation
import Testing
import VantageWire

/// The frame codec: every split of the input yields the same frames; limits and garbage are refused.
@Suite struct FrameCodecTests {
    func sampleFrames() -> [Frame] {
        var hello = Frame()
        var h = Hello()
        h.protocolVersion = 1
        h.supportedVersions = [1]
        h.nodeID = Data(repeating: 7, count: 32)
        hello.hello = h
        var summary = Frame()
        var s = Summary()
        s.ledgerDigest = Data(repeating: 9, count: 32)
        s.settledBeforeMs = 42
        summary.summary = s
        var want = Frame()
        var w = Want()
        var range = WantRange()
        range.origin = Data(repeating: 1, count: 32)
        range.fromSeq = 3
        range.toSeq = 9
        w.ranges = [range]
        want.want = w
        return [hello, summary, want]
    }

    @Test func everySplitOfTheStreamDecodesTheSameFrames() throws {
        let frames = sampleFrames()
        let stream = try frames.flatMap { try FrameEncoder.encode($0) }
        for cut in 0...stream.count {
            var decoder = FrameDecoder()
            var decoded: [Frame] = []
            decoder.append(stream[..<cut])
            while let frame = try decoder.next() { decoded.append(frame) }
            decoder.append(stream[cut...])
            while let frame = try decoder.next() { decoded.append(frame) }
            #expect(decoded.count == frames.count, "cut at \(cut)")
            #expect(decoded.map(\.body) == frames.map(\.body), "cut at \(cut)")
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func byteByByteDelivery() throws {
        let frames = sampleFrames()
        let stream = try frames.flatMap { try FrameEncoder.encode($0) }
        var decoder = FrameDecoder()
        var decoded: [Frame] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded.map(\.body) == frames.map(\.body))
    }

    @Test func oversizedLengthPrefixIsRefusedBeforeReadingTheBody() throws {
        var decoder = FrameDecoder(limits: WireLimits(maxFrameBytes: 1024))
        decoder.append([0x81, 0x08])  // 1025
        #expect(throws: FrameError.tooLarge(declared: 1025, limit: 1024)) { try decoder.next() }
        var endless = FrameDecoder()
        endless.append([0xff, 0xff, 0xff, 0xff])
        #expect(try endless.next() == nil, "four bytes of a varint that goes on: more are needed")
        endless.append([0xff])
        #expect(throws: FrameError.self, "a varint beyond 32 bits is refused before any body") { try endless.next() }
    }

    @Test func theLengthIsAVarintOfOneByteBelow128() throws {
        var small = Frame()
        small.summary = Summary.with { $0.reply = true }
        let encoded = try FrameEncoder.encode(small)
        let body: [UInt8] = try small.serializedBytes()
        #expect(encoded.count == 1 + body.count && Int(encoded[0]) == body.count)
        var large = Frame()
        large.summary = Summary.with { $0.ledgerDigest = Data(repeating: 1, count: 300) }
        let largeBody: [UInt8] = try large.serializedBytes()
        let prefix = Array(try FrameEncoder.encode(large).prefix(2))
        #expect(prefix == [UInt8(largeBody.count & 0x7f) | 0x80, UInt8(largeBody.count >> 7)])
    }

    @Test func onlyHelloAndErrorFramesNameTheVersion() throws {
        var hello = Frame()
        hello.hello = Hello()
        var error = Frame()
        error.error = ErrorFrame()
        var summary = Frame()
        summary.summary = Summary()
        var decoder = FrameDecoder()
        for frame in [hello, error, summary] { decoder.append(try FrameEncoder.encode(frame)) }
        let versions = try (0..<3).map { _ in try decoder.next()?.version }
        #expect(versions == [2, 2, 0])
        var unversioned = Frame()
        unversioned.hello = Hello()
        let body: [UInt8] = try unversioned.serializedBytes()
        decoder.append([UInt8(body.count)] + body)
        #expect(throws: FrameError.unsupportedVersion(0), "a Hello must name its version") { try decoder.next() }
    }

    @Test func frameAtTheLimitIsAcceptedAndOnePastIsRefused() throws {
        var frame = Frame()
        var summary = Summary()
        summary.ledgerDigest = Data(repeating: 1, count: 100)
        frame.summary = summary
        let size = try FrameEncoder.encode(frame).count - 1
        var decoder = FrameDecoder(limits: WireLimits(maxFrameBytes: size))
        decoder.append(try FrameEncoder.encode(frame))
        #expect(try decoder.next() != nil)
        #expect(throws: FrameError.tooLarge(declared: size, limit: size - 1)) {
            try FrameEncoder.encode(frame, limits: WireLimits(maxFrameBytes: size - 1))
        }
    }

    @Test func garbageBodyIsMalformed() {
        var decoder = FrameDecoder()
        decoder.append([3, 0xff, 0xff, 0xff])
        #expect(throws: FrameError.self) { try decoder.next() }
    }

    @Test func unknownProtocolVersionIsRefusedWithTheSupportedVersions() throws {
        var frame = Frame()
        frame.version = 7
        frame.summary = Summary()
        var decoder = FrameDecoder()
        decoder.append(try FrameEncoder.encode(frame))
        do {
            _ = try decoder.next()
            Issue.record("version 7 was accepted")
        } catch let error as FrameError {
            #expect(error == .unsupportedVersion(7))
            #expect(error.description.contains("supported: [2]"))
        }
    }
}

/// The outcome vocabulary round-trips and is closed.
@Suite struct VocabularyTests {
    @Test func everyOutcomeNameRoundTrips() {
        #expect(Outcome.names.count == 15)
        for (outcome, name) in Outcome.names { #expect(Outcome(name: name) == outcome) }
        #expect(Outcome(name: "blocked") == nil)
        for (probe, name) in ProbeKind.names { #expect(ProbeKind(name: name) == probe) }
    }
}
