// Deterministic payload for simulated swarms with real bytes: the content of a torrent is a keyed
// stream generated on demand, so a seed's storage and the torrent's piece hashes can be produced
// from the run seed without a file anywhere, and every leecher's data can be compared with it.
//
// The stream is splitmix64 in counter mode: byte i is byte (i mod 8), little-endian, of
//   word(i / 8), where word(k) = mix64(key + k * 0x9e3779b97f4a7c15)   (net::mix64, net/rng.hpp)
// so any range can be generated without the bytes before it, at several GB/s. Not cryptographic:
// it only has to look random enough that pieces differ and a flipped byte changes a hash.
#pragma once

#include "actors/peer/storage/layout.hpp"
#include "actors/peer/storage/storage.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace swarmlab::peer::storage {

class Payload {
 public:
  explicit Payload(std::uint64_t key) : key_(key) {}
  // The payload of torrent number `torrent_index` in a run: key = mix64(mix64(run_seed) ^ index).
  static Payload from_seed(std::uint64_t run_seed, std::uint64_t torrent_index);

  std::uint64_t key() const { return key_; }
  // Bytes [offset, offset + out.size()) of the stream.
  void fill(std::uint64_t offset_bytes, std::span<std::uint8_t> out) const;

 private:
  std::uint64_t word(std::uint64_t index) const;

  std::uint64_t key_;
};

// The torrent's content at stream offsets [offset, offset + out.size()): the payload stream, with
// zeros where BEP 47 padding files lie.
void fill_content(const StorageLayout& layout, const Payload& payload, std::uint64_t offset_bytes,
                  std::span<std::uint8_t> out);

// The SHA-1 of every piece of the content (the layout's own piece_hashes are ignored), to put into
// the layout or the metainfo of a generated torrent.
std::vector<Sha1Digest> content_piece_hashes(const StorageLayout& layout, const Payload& payload);

// Writes the whole content into a storage, piece by piece: a seed's starting state.
Result<void> write_content(Storage& storage, const Payload& payload);

}  // namespace swarmlab::peer::storage
