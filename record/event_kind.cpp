#include "record/event_kind.hpp"

#include <array>
#include <cassert>

namespace swarmlab::record {

namespace {

struct KindInfo {
  EventKind kind;
  std::string_view name;
  EventDetail detail;
};

constexpr std::array<KindInfo, event_kind_count> kinds{{
    {EventKind::joined, "joined", EventDetail::lifecycle},
    {EventKind::left, "left", EventDetail::lifecycle},
    {EventKind::completed, "completed", EventDetail::lifecycle},
    {EventKind::fault, "fault", EventDetail::lifecycle},
    {EventKind::connected, "connected", EventDetail::lifecycle},
    {EventKind::disconnected, "disconnected", EventDetail::lifecycle},
    {EventKind::banned, "banned", EventDetail::lifecycle},
    {EventKind::hash_failed, "hash_failed", EventDetail::lifecycle},
    {EventKind::announce, "announce", EventDetail::lifecycle},
    {EventKind::announce_failed, "announce_failed", EventDetail::lifecycle},
    {EventKind::tracker_announce, "tracker_announce", EventDetail::lifecycle},
    {EventKind::tracker_scrape, "tracker_scrape", EventDetail::lifecycle},
    {EventKind::piece_verified, "piece_verified", EventDetail::pieces},
    {EventKind::choke_sent, "choke_sent", EventDetail::pieces},
    {EventKind::unchoke_sent, "unchoke_sent", EventDetail::pieces},
    {EventKind::choke_received, "choke_received", EventDetail::pieces},
    {EventKind::unchoke_received, "unchoke_received", EventDetail::pieces},
    {EventKind::interested_sent, "interested_sent", EventDetail::pieces},
    {EventKind::not_interested_sent, "not_interested_sent", EventDetail::pieces},
    {EventKind::interested_received, "interested_received", EventDetail::pieces},
    {EventKind::not_interested_received, "not_interested_received", EventDetail::pieces},
    {EventKind::request_sent, "request_sent", EventDetail::wire},
    {EventKind::request_received, "request_received", EventDetail::wire},
    {EventKind::block_sent, "block_sent", EventDetail::wire},
    {EventKind::block_received, "block_received", EventDetail::wire},
    {EventKind::have_sent, "have_sent", EventDetail::wire},
}};

// The table is indexed by the enumerator, so its order must match the enum's.
constexpr bool kinds_in_enum_order() {
  for (std::size_t index = 0; index < kinds.size(); ++index) {
    if (static_cast<std::size_t>(kinds[index].kind) != index) return false;
  }
  return true;
}
static_assert(kinds_in_enum_order());

const KindInfo& info(EventKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  assert(index < kinds.size());
  return kinds[index];
}

}  // namespace

std::string_view to_string(EventKind kind) {
  return info(kind).name;
}

EventDetail detail_of(EventKind kind) {
  return info(kind).detail;
}

std::string_view to_string(EventDetail detail) {
  switch (detail) {
    case EventDetail::lifecycle:
      return "lifecycle";
    case EventDetail::pieces:
      return "pieces";
    case EventDetail::wire:
      return "wire";
  }
  assert(false);
  return "?";
}

}  // namespace swarmlab::record
