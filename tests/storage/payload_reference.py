#!/usr/bin/python3
"""Independent reference for the deterministic payload (actors/peer/storage/payload.hpp).

Recomputes the keyed splitmix64 stream and its SHA-1 digests with Python's own integers and
hashlib, so that payload_test.cpp compares the C++ generator against figures it did not produce.
Run: /usr/bin/python3 tests/storage/payload_reference.py
"""
import hashlib

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(value):
    value = (value + GOLDEN) & MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK
    return value ^ (value >> 31)


def key_from_seed(run_seed, torrent_index):
    return mix64(mix64(run_seed) ^ torrent_index)


def stream(key, offset, length):
    first, last = offset // 8, (offset + length + 7) // 8
    data = b"".join(mix64((key + k * GOLDEN) & MASK).to_bytes(8, "little") for k in range(first, last))
    start = offset - first * 8
    return data[start:start + length]


def content(key, files, offset, length):
    """files: list of (length, is_padding) in stream order."""
    out = bytearray()
    position = 0
    for file_length, is_padding in files:
        begin, end = max(position, offset), min(position + file_length, offset + length)
        if begin < end:
            out += bytes(end - begin) if is_padding else stream(key, begin, end - begin)
        position += file_length
    return bytes(out)


def main():
    print("stream(0x0123456789abcdef, 0, 16):", stream(0x0123456789ABCDEF, 0, 16).hex())
    key = key_from_seed(42, 7)
    print("key_from_seed(42, 7): 0x%016x" % key)
    print("sha1 first MiB:", hashlib.sha1(stream(key, 0, 1 << 20)).hexdigest())
    print("sha1 [1000003, +5000):", hashlib.sha1(stream(key, 1000003, 5000)).hexdigest())
    files = [(100000, False), (31072, True), (70001, False), (3, False)]
    total, piece = sum(f[0] for f in files), 32768
    hashes = [hashlib.sha1(content(key, files, p, min(piece, total - p))).digest()
              for p in range(0, total, piece)]
    print("pieces:", len(hashes))
    print("piece 0:", hashes[0].hex())
    print("piece 3 (padding):", hashes[3].hex())
    print("last piece:", hashes[-1].hex())
    print("sha1 of all piece hashes:", hashlib.sha1(b"".join(hashes)).hexdigest())


if __name__ == "__main__":
    main()
