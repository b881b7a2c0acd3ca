// Strong types of the peer's decision logic: indices, counts and sizes are different types, so a
// piece index cannot be passed where a block index or a byte count is expected. Part of
// actors/peer; pure values, no I/O.
//
// Terms:
// - a piece index names a piece of the torrent, 0 .. piece count - 1;
// - a block index names a 16 KiB block within one piece, 0 .. blocks in that piece - 1;
// - the difference of two indices is a count of the same kind; an index plus a count is an index;
// - a peer key names one connection within a torrent. It is unique for the torrent's lifetime and
//   is the final tie-break of every decision. It is not the 20-byte peer id of the handshake.
#pragma once

#include <cassert>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace swarmlab::peer {

// A count of things of kind Tag (pieces, blocks).
template <class Tag>
class Count {
 public:
  using rep = std::int32_t;

  constexpr Count() = default;
  constexpr explicit Count(rep value) : value_(value) {}

  constexpr rep value() const { return value_; }
  constexpr std::size_t size() const {
    assert(value_ >= 0);
    return static_cast<std::size_t>(value_);
  }

  friend constexpr auto operator<=>(Count, Count) = default;
  friend constexpr Count operator+(Count a, Count b) { return Count(a.value_ + b.value_); }
  friend constexpr Count operator-(Count a, Count b) { return Count(a.value_ - b.value_); }
  constexpr Count& operator+=(Count other) { return *this = *this + other; }
  constexpr Count& operator-=(Count other) { return *this = *this - other; }
  constexpr Count& operator++() { return *this += Count(1); }
  constexpr Count& operator--() { return *this -= Count(1); }

 private:
  rep value_ = 0;
};

// An index of a thing of kind Tag; its difference type is Count<Tag>.
template <class Tag>
class Index {
 public:
  using rep = std::int32_t;
  using count_type = Count<Tag>;

  constexpr Index() = default;
  constexpr explicit Index(rep value) : value_(value) {}

  constexpr rep value() const { return value_; }
  // For indexing containers; the index must not be negative.
  constexpr std::size_t slot() const {
    assert(value_ >= 0);
    return static_cast<std::size_t>(value_);
  }

  friend constexpr auto operator<=>(Index, Index) = default;
  friend constexpr Index operator+(Index index, count_type count) {
    return Index(index.value_ + count.value());
  }
  friend constexpr count_type operator-(Index a, Index b) {
    return count_type(a.value_ - b.value_);
  }
  constexpr Index& operator++() {
    ++value_;
    return *this;
  }

 private:
  rep value_ = 0;
};

struct PieceTag;
struct BlockTag;
using PieceIndex = Index<PieceTag>;
using PieceCount = Count<PieceTag>;
using BlockIndex = Index<BlockTag>;
using BlockCount = Count<BlockTag>;

// A size in bytes.
class SizeBytes {
 public:
  using rep = std::int64_t;

  constexpr SizeBytes() = default;
  constexpr explicit SizeBytes(rep value) : value_(value) {}
  constexpr rep value() const { return value_; }

  friend constexpr auto operator<=>(SizeBytes, SizeBytes) = default;
  friend constexpr SizeBytes operator+(SizeBytes a, SizeBytes b) {
    return SizeBytes(a.value_ + b.value_);
  }
  friend constexpr SizeBytes operator-(SizeBytes a, SizeBytes b) {
    return SizeBytes(a.value_ - b.value_);
  }
  friend constexpr SizeBytes operator*(SizeBytes a, rep factor) {
    return SizeBytes(a.value_ * factor);
  }
  constexpr SizeBytes& operator+=(SizeBytes other) { return *this = *this + other; }
  constexpr SizeBytes& operator-=(SizeBytes other) { return *this = *this - other; }

 private:
  rep value_ = 0;
};

// One connection within a torrent (see the terms above).
class PeerKey {
 public:
  using rep = std::uint32_t;

  constexpr PeerKey() = default;
  constexpr explicit PeerKey(rep value) : value_(value) {}
  constexpr rep value() const { return value_; }
  friend constexpr auto operator<=>(PeerKey, PeerKey) = default;

  // A key no connection has; marks "nobody" in packed records.
  static constexpr PeerKey none() { return PeerKey(std::numeric_limits<rep>::max()); }

 private:
  rep value_ = std::numeric_limits<rep>::max();
};

// A block of a piece.
struct BlockRef {
  PieceIndex piece;
  BlockIndex block;
  friend constexpr auto operator<=>(const BlockRef&, const BlockRef&) = default;
};

// How much we want a piece: skip (never download), then low to top. Pieces of a higher priority are
// picked before any piece of a lower one. Eight levels, as in libtorrent's file priorities.
enum class Priority : std::uint8_t { skip = 0, low = 1, normal = 4, top = 7 };
inline constexpr int priority_level_count = 8;
constexpr int level(Priority priority) {
  return static_cast<int>(priority);
}
constexpr Priority priority_from_level(int level) {
  assert(level >= 0);
  assert(level < priority_level_count);
  return static_cast<Priority>(level);
}
constexpr bool is_wanted(Priority priority) {
  return priority != Priority::skip;
}

// A std::vector indexed by a strong index, so that a vector of per-piece values cannot be indexed
// by a block index.
template <class IndexType, class T>
class TypedVector {
 public:
  TypedVector() = default;
  TypedVector(typename IndexType::count_type count, const T& value) : items_(count.size(), value) {}

  T& operator[](IndexType index) {
    assert(index.slot() < items_.size());
    return items_[index.slot()];
  }
  const T& operator[](IndexType index) const {
    assert(index.slot() < items_.size());
    return items_[index.slot()];
  }
  typename IndexType::count_type size() const {
    return typename IndexType::count_type(static_cast<std::int32_t>(items_.size()));
  }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  friend bool operator==(const TypedVector&, const TypedVector&) = default;

 private:
  std::vector<T> items_;
};

namespace literals {
constexpr PieceIndex operator""_piece(unsigned long long value) {
  return PieceIndex(static_cast<PieceIndex::rep>(value));
}
constexpr BlockIndex operator""_block(unsigned long long value) {
  return BlockIndex(static_cast<BlockIndex::rep>(value));
}
constexpr PieceCount operator""_pieces(unsigned long long value) {
  return PieceCount(static_cast<PieceCount::rep>(value));
}
constexpr BlockCount operator""_blocks(unsigned long long value) {
  return BlockCount(static_cast<BlockCount::rep>(value));
}
constexpr SizeBytes operator""_bytes(unsigned long long value) {
  return SizeBytes(static_cast<SizeBytes::rep>(value));
}
constexpr SizeBytes operator""_KiB(unsigned long long value) {
  return SizeBytes(static_cast<SizeBytes::rep>(value) * 1024);
}
constexpr SizeBytes operator""_MiB(unsigned long long value) {
  return SizeBytes(static_cast<SizeBytes::rep>(value) * 1024 * 1024);
}
constexpr PeerKey operator""_peer(unsigned long long value) {
  return PeerKey(static_cast<PeerKey::rep>(value));
}
}  // namespace literals

}  // namespace swarmlab::peer
