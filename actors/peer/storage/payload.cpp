#include "actors/peer/storage/payload.hpp"

#include "net/rng.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace swarmlab::peer::storage {
namespace {

constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;

void store_little_endian(std::uint8_t* target, std::uint64_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(target, &value, sizeof value);
  } else {
    for (std::size_t i = 0; i < sizeof value; ++i, value >>= 8) {
      target[i] = static_cast<std::uint8_t>(value);
    }
  }
}

}  // namespace

Payload Payload::from_seed(std::uint64_t run_seed, std::uint64_t torrent_index) {
  return Payload(net::mix64(net::mix64(run_seed) ^ torrent_index));
}

std::uint64_t Payload::word(std::uint64_t index) const {
  return net::mix64(key_ + index * golden_gamma);
}

void Payload::fill(std::uint64_t offset_bytes, std::span<std::uint8_t> out) const {
  std::size_t done = 0;
  std::uint64_t position = offset_bytes;
  // A head up to the next word boundary, whole words, then a tail.
  while (done < out.size() && position % 8 != 0) {
    out[done++] = static_cast<std::uint8_t>(word(position / 8) >> (8 * (position % 8)));
    ++position;
  }
  for (; out.size() - done >= 8; done += 8, position += 8) {
    store_little_endian(out.data() + done, word(position / 8));
  }
  while (done < out.size()) {
    out[done++] = static_cast<std::uint8_t>(word(position / 8) >> (8 * (position % 8)));
    ++position;
  }
  assert(position == offset_bytes + out.size());
}

void fill_content(const StorageLayout& layout, const Payload& payload, std::uint64_t offset_bytes,
                  std::span<std::uint8_t> out) {
  assert(offset_bytes <= layout.total_size_bytes);
  assert(out.size() <= layout.total_size_bytes - offset_bytes);
  for_each_slice(layout, offset_bytes, out.size(), [&](const FileSlice& slice) {
    const auto target = out.subspan(slice.range_offset_bytes, slice.length_bytes);
    if (layout.files[slice.file_index].is_padding) {
      std::fill(target.begin(), target.end(), std::uint8_t{0});
    } else {
      payload.fill(offset_bytes + slice.range_offset_bytes, target);
    }
  });
}

std::vector<Sha1Digest> content_piece_hashes(const StorageLayout& layout, const Payload& payload) {
  const std::uint32_t count = layout.piece_count();
  std::vector<Sha1Digest> hashes;
  hashes.reserve(count);
  std::vector<std::uint8_t> piece(layout.piece_length_bytes);
  for (PieceIndex index = 0; index < count; ++index) {
    const auto bytes = std::span(piece).first(layout.piece_size_bytes(index));
    fill_content(layout, payload, layout.piece_offset_bytes(index), bytes);
    hashes.push_back(protocol::sha1(bytes));
  }
  assert(hashes.size() == count);
  return hashes;
}

Result<void> write_content(Storage& storage, const Payload& payload) {
  const StorageLayout& layout = storage.layout();
  std::vector<std::uint8_t> piece(layout.piece_length_bytes);
  for (PieceIndex index = 0; index < layout.piece_count(); ++index) {
    const std::uint32_t size = layout.piece_size_bytes(index);
    const auto bytes = std::span(piece).first(size);
    fill_content(layout, payload, layout.piece_offset_bytes(index), bytes);
    const BlockRef whole{.piece = index, .offset_bytes = 0, .length_bytes = size};
    if (auto written = storage.write(whole, bytes, Taint::clean); !written) return written;
  }
  return {};
}

}  // namespace swarmlab::peer::storage
