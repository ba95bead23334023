#if canImport(Glibc)
import Glibc
#endif
internal import CProcess

/// A set of 128-bit hashes (open addressing, linear probing), for uniqueness rules: memory
/// is 16 bytes a slot, at most 3 slots in 4 used, and never a copy of the values.
/// A value type over memory the owner frees with `deallocate()`.
struct HashSet128 {
    private var slots: UnsafeMutablePointer<UInt128>
    private var mask: Int
    private(set) var count = 0

    /// Room for `expected` values before the table grows.
    init(expected: Int = 1 << 12) {
        var capacity = 16
        while capacity * 7 < expected * 10, capacity < 1 << 40 { capacity *= 2 }
        slots = Self.zeroed(capacity)
        mask = capacity - 1
    }

    /// Zeroed memory mapped for the table: pages are not resident until used, and large
    /// tables ask for huge pages (fewer TLB misses on random slots).
    private static func zeroed(_ capacity: Int) -> UnsafeMutablePointer<UInt128> {
        let size = capacity * MemoryLayout<UInt128>.stride
        let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("out of memory for \(capacity) hashes") }
        if size >= 1 << 21 { _ = madvise(raw, size, MADV_HUGEPAGE) }
        return raw.bindMemory(to: UInt128.self, capacity: capacity)
    }

    private static func release(_ slots: UnsafeMutablePointer<UInt128>, capacity: Int) {
        munmap(slots, capacity * MemoryLayout<UInt128>.stride)
    }

    /// Grows the table ahead of `expected` values, when it is smaller.
    mutating func reserve(_ expected: Int) {
        if (mask + 1) * 7 < expected * 10 { rehash(expected) }
    }

    /// Adds each of `hashes` in order; `inserted[k]` is false when `hashes[k]` was there
    /// already. The slots of later hashes are prefetched while earlier ones are placed, so a
    /// table much larger than the cache is filled at memory's throughput, not its latency.
    mutating func insert(_ hashes: UnsafeBufferPointer<UInt128>, inserted: UnsafeMutablePointer<Bool>) {
        reserve(count + hashes.count)
        let ahead = 12
        for k in 0..<hashes.count {
            if k + ahead < hashes.count {
                mlgate_prefetch(slots + (Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: hashes[k + ahead] >> 64)) & mask))
            }
            inserted[k] = insert(hashes[k])
        }
    }

    /// Adds `hash`; false when it was there already.
    @inline(__always)
    mutating func insert(_ hash: UInt128) -> Bool {
        let key = hash == 0 ? 1 : hash  // 0 marks an empty slot
        var i = Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: key >> 64)) & mask
        while true {
            let slot = slots[i]
            if slot == 0 {
                slots[i] = key
                count += 1
                if count * 4 > (mask + 1) * 3 { rehash(count) }
                return true
            }
            if slot == key { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func rehash(_ expected: Int) {
        let old = slots, oldCapacity = mask + 1
        var capacity = oldCapacity
        while capacity * 7 < expected * 10 { capacity *= 2 }
        slots = Self.zeroed(capacity)
        mask = capacity - 1
        for k in 0..<oldCapacity where old[k] != 0 {
            var i = Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: old[k] >> 64)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = old[k]
        }
        Self.release(old, capacity: oldCapacity)
    }

    func deallocate() { Self.release(slots, capacity: mask + 1) }

    /// 128 bits of a value: two 64-bit lanes, each mixing 8 bytes at a time with its own
    /// multiplier, finished by murmur3's avalanche. Uniqueness is decided on these; for
    /// values that are not crafted to collide, a collision among a billion is below 10⁻²⁰.
    @inline(__always)
    static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt128 {
        let n = value.count
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(n)
        guard let p = value.baseAddress else { return UInt128(avalanche(a)) << 64 | UInt128(avalanche(b)) }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            a = (a ^ w) &* 0xFF51_AFD7_ED55_8CCD
            a ^= a >> 32
            b = (b ^ w) &* 0xC4CE_B9FE_1A85_EC53
            b ^= b >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            a = (a ^ w) &* 0xFF51_AFD7_ED55_8CCD
            a ^= a >> 32
            b = (b ^ w) &* 0xC4CE_B9FE_1A85_EC53
            b ^= b >> 29
        }
        return UInt128(avalanche(a)) << 64 | UInt128(avalanche(b ^ a))
    }

    @inline(__always)
    private static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
