import Foundation

/// A digest of a golden directory, so two reports can be known to come
/// from the same goldens.
public enum GoldenDigest {
  /// "sha256:<hex>" over spec.json, spec/*.json and *.jsonl of `directory`,
  /// sorted by relative name, each fed as `name NUL bytes NUL`. A file that
  /// cannot be read is fed as its name alone (the run reports it anyway).
  public static func of(directory: String) -> String {
    let fm = FileManager.default
    var names: [String] = []
    if fm.fileExists(atPath: "\(directory)/spec.json") {
      names.append("spec.json")
    }
    for f in (try? fm.contentsOfDirectory(atPath: directory)) ?? []
    where f.hasSuffix(".jsonl") {
      names.append(f)
    }
    for f in (try? fm.contentsOfDirectory(atPath: "\(directory)/spec")) ?? []
    where f.hasSuffix(".json") {
      names.append("spec/\(f)")
    }
    names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    var h = SHA256()
    for name in names {
      h.update(Array(name.utf8) + [0])
      if let data = fm.contents(atPath: "\(directory)/\(name)") {
        h.update([UInt8](data))
      }
      h.update([0])
    }
    return "sha256:" + h.finish().map { String(format: "%02x", $0) }.joined()
  }
}

/// SHA-256 (FIPS 180-4), streaming.
public struct SHA256: Sendable {
  private var state: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  /// A fresh hash.
  public init() {}

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b,
    0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01,
    0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7,
    0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc,
    0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152,
    0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147,
    0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819,
    0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116, 0x1e37_6c08,
    0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f,
    0x682e_6ff3, 0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208,
    0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// Feeds bytes.
  public mutating func update(_ bytes: [UInt8]) {
    length &+= UInt64(bytes.count)
    var start = 0
    if !pending.isEmpty {
      let need = 64 - pending.count
      if bytes.count < need {
        pending += bytes
        return
      }
      pending += bytes[0..<need]
      block(pending, 0)
      pending = []
      start = need
    }
    while start + 64 <= bytes.count {
      block(bytes, start)
      start += 64
    }
    pending = Array(bytes[start...])
  }

  /// The 32-byte digest of everything fed.
  public mutating func finish() -> [UInt8] {
    let bits = length &* 8
    var tail = pending + [0x80]
    while tail.count % 64 != 56 { tail.append(0) }
    for s in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(s)))
    }
    for start in stride(from: 0, to: tail.count, by: 64) { block(tail, start) }
    pending = []
    var out: [UInt8] = []
    for w in state {
      for s in stride(from: 24, through: 0, by: -8) {
        out.append(UInt8(truncatingIfNeeded: w >> UInt32(s)))
      }
    }
    return out
  }

  private mutating func block(_ bytes: [UInt8], _ at: Int) {
    @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
      (x >> n) | (x << (32 - n))
    }
    var st = (
      state[0], state[1], state[2], state[3], state[4], state[5], state[6],
      state[7]
    )
    bytes.withUnsafeBufferPointer { b in
      SHA256.k.withUnsafeBufferPointer { k in
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
          for i in 0..<16 {
            let j = at + 4 * i
            w[i] =
              UInt32(b[j]) << 24 | UInt32(b[j + 1]) << 16
              | UInt32(b[j + 2]) << 8 | UInt32(b[j + 3])
          }
          for i in 16..<64 {
            let x = w[i - 15]
            let y = w[i - 2]
            let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
            let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
          }
          var (a, bb, c, d, e, f, g, h) = st
          for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & bb) ^ (a & c) ^ (bb & c)
            (h, g, f, e) = (g, f, e, d &+ t1)
            (d, c, bb, a) = (c, bb, a, t1 &+ s0 &+ maj)
          }
          st = (
            st.0 &+ a, st.1 &+ bb, st.2 &+ c, st.3 &+ d, st.4 &+ e, st.5 &+ f,
            st.6 &+ g, st.7 &+ h
          )
        }
      }
    }
    state = [st.0, st.1, st.2, st.3, st.4, st.5, st.6, st.7]
  }
}
