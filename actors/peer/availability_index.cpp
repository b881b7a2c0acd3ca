#include "actors/peer/availability_index.hpp"

#include "actors/peer/limits.hpp"

#include <cassert>
#include <utility>

namespace swarmlab::peer {

AvailabilityIndex::AvailabilityIndex(PieceCount piece_count)
    : pieces_(piece_count, PieceSlot{}), fresh_(piece_count) {
  assert(piece_count.value() >= 0);
  assert(piece_count.value() <= limits::piece_count_max);
}

int AvailabilityIndex::availability(PieceIndex piece) const {
  return pieces_[piece].availability + seed_count_;
}

Priority AvailabilityIndex::fresh_priority(PieceIndex piece) const {
  assert(is_fresh(piece));
  return priority_from_level(pieces_[piece].priority);
}

AvailabilityIndex::Level& AvailabilityIndex::level_of(PieceIndex piece) {
  assert(is_fresh(piece));
  return levels_[pieces_[piece].priority];
}

std::size_t AvailabilityIndex::bucket_end(const Level& level, std::size_t bucket) const {
  assert(bucket < level.begin.size());
  return bucket + 1 < level.begin.size() ? level.begin[bucket + 1] : level.order.size();
}

void AvailabilityIndex::ensure_bucket(Level& level, std::size_t bucket) {
  assert(bucket < static_cast<std::size_t>(limits::torrent_peers_max) + 1);
  while (level.begin.size() <= bucket) {
    level.begin.push_back(static_cast<std::uint32_t>(level.order.size()));
  }
  assert(level.begin.size() > bucket);
}

void AvailabilityIndex::swap_positions(Level& level, std::size_t first, std::size_t second) {
  assert(first < level.order.size());
  assert(second < level.order.size());
  std::swap(level.order[first], level.order[second]);
  pieces_[level.order[first]].position = static_cast<std::uint32_t>(first);
  pieces_[level.order[second]].position = static_cast<std::uint32_t>(second);
}

void AvailabilityIndex::increment(PieceIndex piece) {
  PieceSlot& slot = pieces_[piece];
  assert(slot.availability < limits::torrent_peers_max);
  if (is_fresh(piece)) {
    // Move the piece to the end of its bucket, then shift the next bucket's start onto it.
    Level& level = level_of(piece);
    const std::size_t bucket = slot.availability;
    ensure_bucket(level, bucket + 1);
    const std::size_t last = bucket_end(level, bucket) - 1;
    swap_positions(level, slot.position, last);
    --level.begin[bucket + 1];
    assert(level.begin[bucket + 1] == slot.position);
  }
  ++slot.availability;
}

void AvailabilityIndex::decrement(PieceIndex piece) {
  PieceSlot& slot = pieces_[piece];
  assert(slot.availability > 0);
  if (is_fresh(piece)) {
    // Move the piece to the start of its bucket, then shift that bucket's start past it.
    Level& level = level_of(piece);
    const std::size_t bucket = slot.availability;
    const std::size_t first = level.begin[bucket];
    swap_positions(level, slot.position, first);
    ++level.begin[bucket];
    assert(bucket_end(level, bucket - 1) == slot.position + 1);
  }
  --slot.availability;
}

void AvailabilityIndex::add_seed() {
  assert(seed_count_ < limits::torrent_peers_max);
  ++seed_count_;
}

void AvailabilityIndex::remove_seed() {
  assert(seed_count_ > 0);
  --seed_count_;
}

void AvailabilityIndex::insert(PieceIndex piece, Priority priority) {
  assert(!is_fresh(piece));
  assert(is_wanted(priority));
  PieceSlot& slot = pieces_[piece];
  slot.priority = static_cast<std::uint8_t>(level(priority));
  fresh_.set(piece);
  Level& level = level_of(piece);
  const std::size_t target = slot.availability;
  ensure_bucket(level, target);
  // Append to the last bucket, then hop down one bucket at a time: the piece swaps with the first
  // piece of each bucket above the target, and that bucket's start moves up by one.
  level.order.push_back(piece);
  std::size_t position = level.order.size() - 1;
  slot.position = static_cast<std::uint32_t>(position);
  for (std::size_t bucket = level.begin.size() - 1; bucket > target; --bucket) {
    swap_positions(level, position, level.begin[bucket]);
    position = level.begin[bucket];
    ++level.begin[bucket];
  }
  assert(slot.position == position);
  assert(level.begin[target] <= position);
}

void AvailabilityIndex::erase(PieceIndex piece) {
  assert(is_fresh(piece));
  Level& level = level_of(piece);
  std::size_t position = pieces_[piece].position;
  // The reverse of insert: hop up to the end of each bucket, moving the next bucket's start down.
  for (std::size_t bucket = pieces_[piece].availability; bucket < level.begin.size(); ++bucket) {
    const std::size_t last = bucket_end(level, bucket) - 1;
    swap_positions(level, position, last);
    position = last;
    if (bucket + 1 < level.begin.size()) --level.begin[bucket + 1];
  }
  assert(position == level.order.size() - 1);
  assert(level.order.back() == piece);
  level.order.pop_back();
  fresh_.reset(piece);
}

std::span<const PieceIndex> AvailabilityIndex::ordered(Priority priority) const {
  assert(is_wanted(priority));
  return levels_[level(priority)].order;
}

AvailabilityIndex::Range AvailabilityIndex::tie_range(Priority priority,
                                                      std::size_t position) const {
  const Level& level = levels_[static_cast<std::size_t>(peer::level(priority))];
  assert(position < level.order.size());
  const std::size_t bucket = pieces_[level.order[position]].availability;
  const Range range{level.begin[bucket], bucket_end(level, bucket)};
  assert(range.first <= position);
  assert(position < range.last);
  return range;
}

bool AvailabilityIndex::is_consistent() const {
  PieceCount fresh_seen{0};
  for (int index = 0; index < priority_level_count; ++index) {
    const Level& level = levels_[static_cast<std::size_t>(index)];
    if (index == 0 && !level.order.empty()) return false;
    for (std::size_t bucket = 0; bucket < level.begin.size(); ++bucket) {
      if (level.begin[bucket] > bucket_end(level, bucket)) return false;
      for (std::size_t position = level.begin[bucket]; position < bucket_end(level, bucket);
           ++position) {
        const PieceSlot& slot = pieces_[level.order[position]];
        if (!is_fresh(level.order[position]) || slot.position != position) return false;
        if (slot.availability != bucket || slot.priority != index) return false;
      }
    }
    if (level.begin[0] != 0) return false;
    fresh_seen += PieceCount(static_cast<PieceCount::rep>(level.order.size()));
  }
  return fresh_seen == fresh_.count();
}

}  // namespace swarmlab::peer
