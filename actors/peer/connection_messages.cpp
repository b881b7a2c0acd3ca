// The connection's opening messages and the handling of every message except blocks (download),
// requests (upload) and extended messages (extension): choking, interest, what the peer has, and
// BEP 6 hints.
#include "actors/peer/connection.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/session_limits.hpp"
#include "actors/peer/torrent.hpp"
#include "protocol/allowed_fast.hpp"
#include "protocol/overloaded.hpp"

#include <algorithm>
#include <cassert>
#include <variant>

namespace swarmlab::peer {

namespace wire = protocol::wire;

using protocol::Overloaded;

void Connection::send_opening_messages() {
  const Bitfield& have = torrent_.picker_.have();
  // BEP 6: exactly one of have all, have none and bitfield opens the conversation. Without it, a
  // bitfield is optional and left out when empty.
  if (setup_.features.fast_extension && have.all()) {
    queue(wire::HaveAll{});
  } else if (setup_.features.fast_extension && have.none()) {
    queue(wire::HaveNone{});
  } else if (!have.none()) {
    const std::vector<std::uint8_t> bits = have.to_wire();
    queue(wire::Bitfield{.bits = bits});
  }
  if (setup_.features.extension_protocol) send_extension_handshake();
  const auto ipv4 = ipv4_bytes(setup_.remote.address);
  if (setup_.features.fast_extension && ipv4 && !have.none() &&
      torrent_.choker().offers_allowed_fast()) {
    // BEP 6: pieces the peer may request even while we choke it, so that a newcomer gets its
    // first pieces early. Only pieces we have are worth offering.
    const auto offered = protocol::allowed_fast_set(
        *ipv4, torrent_.info_hash_,
        static_cast<std::uint32_t>(torrent_.pieces_.piece_count().value()),
        static_cast<std::size_t>(limits::allowed_fast_offered));
    for (const std::uint32_t piece : offered) {
      if (!have.test(PieceIndex(static_cast<PieceIndex::rep>(piece)))) continue;
      allowed_fast_offered_.push_back(piece);
      queue(wire::AllowedFast{.piece_index = piece});
    }
  }
  assert(allowed_fast_offered_.size() <= static_cast<std::size_t>(limits::allowed_fast_offered));
}

std::optional<CloseReason> Connection::handle(const wire::Message& message) {
  assert(!std::holds_alternative<wire::Piece>(message));
  const bool opening = std::holds_alternative<wire::Bitfield>(message) ||
                       std::holds_alternative<wire::HaveAll>(message) ||
                       std::holds_alternative<wire::HaveNone>(message);
  if (opening && piece_messages_seen_) return on_later_piece_list(message);
  if (opening || std::holds_alternative<wire::Have>(message)) piece_messages_seen_ = true;
  return std::visit(
      Overloaded{
          [](const wire::KeepAlive&) -> std::optional<CloseReason> { return std::nullopt; },
          [this](const wire::Choke&) { return on_choke(); },
          [this](const wire::Unchoke&) { return on_unchoke(); },
          [this](const wire::Interested&) { return on_interest(true); },
          [this](const wire::NotInterested&) { return on_interest(false); },
          [this](const wire::Have& have) { return on_have(have.piece_index); },
          [this](const wire::Bitfield& bitfield) { return on_bitfield(bitfield.bits); },
          [this](const wire::Request& request) { return on_request(request); },
          [](const wire::Piece&) -> std::optional<CloseReason> { return std::nullopt; },
          [this](const wire::Cancel& cancel) { return on_cancel(cancel); },
          // The DHT is not enabled: the port is ignored.
          [](const wire::Port&) -> std::optional<CloseReason> { return std::nullopt; },
          [this](const wire::Suggest& suggest) { return on_suggest(suggest.piece_index); },
          [this](const wire::HaveAll&) { return on_have_all_or_none(true); },
          [this](const wire::HaveNone&) { return on_have_all_or_none(false); },
          [this](const wire::Reject& reject) { return on_reject(reject); },
          [this](const wire::AllowedFast& fast) { return on_allowed_fast(fast.piece_index); },
          [this](const wire::Extended& extended) { return on_extended(extended); },
      },
      message);
}

std::optional<CloseReason> Connection::on_choke() {
  if (peer_choking_) return std::nullopt;
  peer_choking_ = true;
  if (auto* observer = torrent_.session_.observer) {
    observer->on_choke(host_.now(), torrent_.session_.actor_id, address_, record::Side::remote,
                       true);
  }
  // Before BEP 6 a choke drops every request; with it, the peer rejects them one by one (and
  // still serves allowed-fast ones), so they stay outstanding until then or their timeout.
  if (!setup_.features.fast_extension) drop_outstanding_requests();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_unchoke() {
  if (!peer_choking_) return std::nullopt;
  peer_choking_ = false;
  if (auto* observer = torrent_.session_.observer) {
    observer->on_choke(host_.now(), torrent_.session_.actor_id, address_, record::Side::remote,
                       false);
  }
  request_blocks();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_interest(bool interested) {
  if (peer_interested_ == interested) return std::nullopt;
  peer_interested_ = interested;
  if (auto* observer = torrent_.session_.observer) {
    observer->on_interest(host_.now(), torrent_.session_.actor_id, address_, record::Side::remote,
                          interested);
  }
  if (interested && am_choking_) torrent_.request_early_choke_round();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_have(std::uint32_t piece_index) {
  const PieceIndex piece(static_cast<PieceIndex::rep>(piece_index));
  assert(torrent_.pieces_.contains(piece));
  if (peer_pieces_.test(piece)) return std::nullopt;
  peer_pieces_.set(piece);
  assert(!peer_counted_as_seed_);
  torrent_.picker_.add_peer_piece(piece);
  announce_rate_.add(host_.now(), torrent_.pieces_.piece_size(piece).value());
  if (peer_pieces_.all() && torrent_.picker_.have().all()) return CloseReason::seed_to_seed;
  if (!am_interested_) update_interest();
  // A peer that had nothing we could ask for may have it now.
  if (am_interested_ && outstanding_.empty()) request_blocks();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_later_piece_list(const wire::Message& message) {
  // BEP 3 sends the piece list once, first; aria2 sends HAVE_NONE then a BITFIELD, and
  // BITFIELDs again later. As libtorrent does, a later list stands, read as the HAVEs it adds; one
  // that takes pieces away cannot be true.
  Bitfield pieces(torrent_.pieces_.piece_count(), std::holds_alternative<wire::HaveAll>(message));
  if (const auto* bitfield = std::get_if<wire::Bitfield>(&message)) {
    auto parsed = Bitfield::from_wire(bitfield->bits, torrent_.pieces_.piece_count());
    if (!parsed) return CloseReason::bad_bitfield;
    pieces = std::move(*parsed);
  }
  for (auto piece = peer_pieces_.find_next(PieceIndex(0)); piece;
       piece = peer_pieces_.find_next(*piece + PieceCount(1))) {
    if (!pieces.test(*piece)) return CloseReason::bad_bitfield;
  }
  for (auto piece = pieces.find_next(PieceIndex(0)); piece;
       piece = pieces.find_next(*piece + PieceCount(1))) {
    if (peer_pieces_.test(*piece)) continue;
    if (auto closed = on_have(static_cast<std::uint32_t>(piece->value()))) return closed;
  }
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_bitfield(std::span<const std::uint8_t> bits) {
  auto parsed = Bitfield::from_wire(bits, torrent_.pieces_.piece_count());
  if (!parsed) return CloseReason::bad_bitfield;
  assert(peer_pieces_.none());
  peer_pieces_ = std::move(*parsed);
  count_peer_pieces();
  if (peer_pieces_.all() && torrent_.picker_.have().all()) return CloseReason::seed_to_seed;
  update_interest();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_have_all_or_none(bool have_all) {
  assert(setup_.features.fast_extension);
  assert(peer_pieces_.none());
  if (!have_all) return std::nullopt;
  peer_pieces_ = Bitfield(torrent_.pieces_.piece_count(), true);
  count_peer_pieces();
  if (torrent_.picker_.have().all()) return CloseReason::seed_to_seed;
  update_interest();
  return std::nullopt;
}

void Connection::count_peer_pieces() {
  assert(!peer_counted_as_seed_);
  // A peer with everything counts once as a seed (O(1) for the picker) rather than per piece.
  if (peer_pieces_.all()) {
    peer_counted_as_seed_ = true;
    torrent_.picker_.add_seed();
  } else {
    torrent_.picker_.add_peer_pieces(peer_pieces_);
  }
}

std::optional<CloseReason> Connection::on_allowed_fast(std::uint32_t piece_index) {
  assert(setup_.features.fast_extension);
  const PieceIndex piece(static_cast<PieceIndex::rep>(piece_index));
  if (allowed_fast_.size() >= static_cast<std::size_t>(limits::allowed_fast_pieces_max)) {
    return std::nullopt;
  }
  if (std::find(allowed_fast_.begin(), allowed_fast_.end(), piece) != allowed_fast_.end()) {
    return std::nullopt;
  }
  allowed_fast_.push_back(piece);
  if (peer_choking_ && am_interested_) request_blocks();
  return std::nullopt;
}

std::optional<CloseReason> Connection::on_suggest(std::uint32_t piece_index) {
  assert(setup_.features.fast_extension);
  const PieceIndex piece(static_cast<PieceIndex::rep>(piece_index));
  // Keep the newest hints: the oldest one makes room.
  if (suggested_.size() >= static_cast<std::size_t>(limits::suggested_pieces_max)) {
    suggested_.erase(suggested_.begin());
  }
  suggested_.push_back(piece);
  assert(suggested_.size() <= static_cast<std::size_t>(limits::suggested_pieces_max));
  return std::nullopt;
}

void Connection::update_interest() {
  if (closing_) return;
  const PiecePicker& picker = torrent_.picker_;
  const bool want = !picker.is_complete() && picker.is_interesting(peer_pieces_);
  if (want == am_interested_) return;
  am_interested_ = want;
  if (want) we_interested_since_ = host_.now();
  if (want) {
    queue(wire::Interested{});
  } else {
    queue(wire::NotInterested{});
  }
  if (auto* observer = torrent_.session_.observer) {
    observer->on_interest(host_.now(), torrent_.session_.actor_id, address_, record::Side::local,
                          want);
  }
  if (want) request_blocks();
}

void Connection::set_choked_by_us(bool choke) {
  if (closing_ || choke == am_choking_) return;
  am_choking_ = choke;
  choke_changed_at_ = host_.now();
  if (choke) {
    queue(wire::Choke{});
  } else {
    queue(wire::Unchoke{});
    uploaded_since_unchoke_ = SizeBytes(0);
    requests_refused_ = 0;
  }
  if (auto* observer = torrent_.session_.observer) {
    observer->on_choke(host_.now(), torrent_.session_.actor_id, address_, record::Side::local,
                       choke);
  }
  if (!choke) return;
  // The choke goes out first, then (BEP 6) a reject for every queued request we will not serve;
  // before BEP 6 the peer knows a choke drops its requests.
  std::deque<record::BlockRef> kept;
  for (const record::BlockRef& request : upload_queue_) {
    if (may_upload(request.piece)) {
      kept.push_back(request);
    } else if (setup_.features.fast_extension) {
      reject(request);
    }
  }
  upload_queue_ = std::move(kept);
}

void Connection::on_piece_verified(PieceIndex piece) {
  if (closing_) return;
  // A peer that has the piece does not need to hear about it (no redundant HAVE).
  if (!peer_pieces_.test(piece)) {
    queue(wire::Have{.piece_index = static_cast<std::uint32_t>(piece.value())});
    if (auto* observer = torrent_.session_.observer) {
      observer->on_have_sent(host_.now(), torrent_.session_.actor_id, address_,
                             static_cast<std::uint32_t>(piece.value()));
    }
  } else if (am_interested_) {
    update_interest();
  }
}

}  // namespace swarmlab::peer
