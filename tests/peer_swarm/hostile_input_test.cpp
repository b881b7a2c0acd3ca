// Hostile inputs on real loopback sockets: a raw client sends what no well-behaved peer would, and
// the swarmlab peer must close the connection (and say why) without crashing or hanging.
#include "actors/peer/close_reason.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/payload.hpp"
#include "protocol/byte_order.hpp"
#include "protocol/wire.hpp"
#include "tests/peer_swarm/loopback_world.hpp"
#include "tests/peer_swarm/recording_observer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace asio = boost::asio;
namespace storage = peer::storage;
namespace wire = protocol::wire;

constexpr unsigned char suite_octet = 21;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t piece_length_bytes = 64 * 1024;
constexpr std::uint64_t torrent_size_bytes = 10 * piece_length_bytes + 1234;
constexpr std::size_t read_rounds_max = 100'000;

struct SessionEnd {
  bool connected = false;
  // The peer closed the stream (we read end of stream or a reset) before the timeout.
  bool closed_by_peer = false;
  std::size_t bytes_received = 0;
};

// Connects, sends `bytes`, then reads until the peer closes or `timeout` passes.
asio::awaitable<void> raw_session(net::Host& host, net::Endpoint target,
                                  std::vector<std::uint8_t> bytes, net::Duration timeout,
                                  SessionEnd& end) {
  auto [connect_error, stream] = co_await host.async_connect(target, use_tuple);
  if (connect_error) co_return;
  end.connected = true;
  // The peer may close before everything is written; the read below sees that.
  co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
  std::vector<std::uint8_t> buffer(64 * 1024);
  net::Timer timer = host.make_timer();
  timer.expires_after(timeout, host.now());
  for (std::size_t round = 0; round < read_rounds_max; ++round) {
    auto outcome = co_await (stream.async_read_some(asio::buffer(buffer), use_tuple) ||
                             timer.async_wait(use_tuple));
    if (outcome.index() == 1) co_return;
    auto [error, size_bytes] = std::get<0>(outcome);
    if (error) {
      end.closed_by_peer = true;
      co_return;
    }
    end.bytes_received += size_bytes;
  }
}

class HostileInput : public ::testing::Test {
 protected:
  HostileInput() : world_(suite_octet) {
    layout_ = storage::make_single_file_layout("data.bin", piece_length_bytes, torrent_size_bytes);
    const storage::Payload payload(42);
    layout_.piece_hashes = storage::content_piece_hashes(layout_, payload);
    auto shared = std::make_shared<const storage::StorageLayout>(layout_);
    info_hash_ = protocol::sha1(std::string_view("hostile input torrent"));
    // A seed (every piece) and a leecher (nothing) to aim at.
    auto seed_storage = std::make_unique<storage::MemoryStorage>(shared);
    EXPECT_TRUE(storage::write_content(*seed_storage, payload));
    seed_ = &add_peer(std::move(seed_storage), peer::ExistingData::trust_complete);
    leech_ = &add_peer(std::make_unique<storage::MemoryStorage>(shared), peer::ExistingData::none);
    client_ = &world_.add_host();
  }

  peer::Peer& add_peer(std::unique_ptr<storage::Storage> storage, peer::ExistingData existing) {
    peer::Peer& peer = world_.add_peer({.observer = &observer_});
    peer.add_torrent({.info_hash = info_hash_,
                      .disk = std::make_unique<storage::InlineDiskIo>(std::move(storage)),
                      .config = {.existing_data = existing}});
    EXPECT_TRUE(peer.start());
    return peer;
  }

  std::vector<std::uint8_t> handshake(const protocol::InfoHash& info_hash) const {
    wire::Handshake ours{.reserved = {}, .info_hash = info_hash, .peer_id = {}};
    ours.peer_id.fill('h');
    ours.reserved.set_fast_extension(true);
    const auto bytes = wire::encode_handshake(ours);
    return {bytes.begin(), bytes.end()};
  }

  SessionEnd run_session(peer::Peer& target, std::vector<std::uint8_t> bytes) {
    SessionEnd end;
    client_->spawn(raw_session(*client_, world_.endpoint_of(target), std::move(bytes), 5s, end));
    world_.run_until([&] { return client_->task_count() == 0; }, 8s);
    return end;
  }

  RecordingObserver observer_;
  LoopbackWorld world_;
  storage::StorageLayout layout_;
  protocol::InfoHash info_hash_{};
  peer::Peer* seed_ = nullptr;
  peer::Peer* leech_ = nullptr;
  net::RealHost* client_ = nullptr;
};

TEST_F(HostileInput, BadProtocolNameIsClosedUnanswered) {
  const std::string http = "GET /announce HTTP/1.1\r\nHost: x\r\n\r\n";
  const SessionEnd end = run_session(*seed_, {http.begin(), http.end()});
  EXPECT_TRUE(end.connected);
  EXPECT_TRUE(end.closed_by_peer);
  EXPECT_EQ(end.bytes_received, 0u);
  EXPECT_TRUE(observer_.disconnects.empty());
}

TEST_F(HostileInput, UnknownInfoHashIsClosedUnanswered) {
  const SessionEnd end =
      run_session(*seed_, handshake(protocol::sha1(std::string_view("another torrent"))));
  EXPECT_TRUE(end.closed_by_peer);
  EXPECT_EQ(end.bytes_received, 0u);
  EXPECT_TRUE(observer_.disconnects.empty());
}

TEST_F(HostileInput, OversizedMessageClosesTheConnection) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  // A piece message claiming a 1 MiB block: far above the 16 KiB a request may ask for.
  const std::uint32_t length = 1u << 20;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(length >> shift));
  bytes.push_back(static_cast<std::uint8_t>(wire::MessageId::piece));
  const SessionEnd end = run_session(*seed_, bytes);
  EXPECT_TRUE(end.closed_by_peer);
  // The peer answered the handshake before it read the bad message.
  EXPECT_GE(end.bytes_received, wire::handshake_size_bytes);
  EXPECT_EQ(observer_.disconnects_with(peer::describe(peer::CloseReason::protocol_error)), 1u);
}

TEST_F(HostileInput, RequestForAPieceNotVerifiedClosesTheConnection) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  wire::append_frame(bytes, wire::Interested{});
  wire::append_frame(bytes, wire::Request{.piece_index = 3, .begin = 0, .length = 16 * 1024});
  const SessionEnd end = run_session(*leech_, bytes);
  EXPECT_TRUE(end.closed_by_peer);
  EXPECT_EQ(
      observer_.disconnects_with(peer::describe(peer::CloseReason::request_unavailable_piece)), 1u);
}

// aria2 sends HAVE_NONE and then a BITFIELD: the bitfield stands, the connection stays.
TEST_F(HostileInput, BitfieldAfterHaveNoneIsAccepted) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  wire::append_frame(bytes, wire::HaveNone{});
  const std::vector<std::uint8_t> bits = {0xf0, 0x00};
  wire::append_frame(bytes, wire::Bitfield{.bits = bits});
  const SessionEnd end = run_session(*leech_, bytes);
  EXPECT_TRUE(end.connected);
  EXPECT_FALSE(end.closed_by_peer);
  EXPECT_EQ(observer_.disconnects_with(peer::describe(peer::CloseReason::bad_bitfield)), 0u);
}

// aria2 also sends its BITFIELD again later: a later list that adds pieces stands (as the HAVEs
// it adds), as libtorrent reads it.
TEST_F(HostileInput, LaterBitfieldsThatAddPiecesAreAccepted) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  const std::vector<std::uint8_t> first = {0xf0, 0x00};
  const std::vector<std::uint8_t> later = {0xfc, 0x00};
  wire::append_frame(bytes, wire::Bitfield{.bits = first});
  wire::append_frame(bytes, wire::Have{.piece_index = 5});
  wire::append_frame(bytes, wire::Bitfield{.bits = later});
  const SessionEnd end = run_session(*leech_, bytes);
  EXPECT_TRUE(end.connected);
  EXPECT_FALSE(end.closed_by_peer);
  EXPECT_EQ(observer_.disconnects_with(peer::describe(peer::CloseReason::bad_bitfield)), 0u);
}

// A later list without a piece the peer had announced cannot be true.
TEST_F(HostileInput, LaterBitfieldThatTakesPiecesAwayClosesTheConnection) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  const std::vector<std::uint8_t> first = {0xf0, 0x00};
  const std::vector<std::uint8_t> fewer = {0x80, 0x00};
  wire::append_frame(bytes, wire::Bitfield{.bits = first});
  wire::append_frame(bytes, wire::Bitfield{.bits = fewer});
  const SessionEnd end = run_session(*leech_, bytes);
  EXPECT_TRUE(end.closed_by_peer);
  EXPECT_EQ(observer_.disconnects_with(peer::describe(peer::CloseReason::bad_bitfield)), 1u);
}

TEST_F(HostileInput, RequestFloodClosesTheConnection) {
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  wire::append_frame(bytes, wire::Interested{});
  // Far more requests than the flood limit, all at once, for pieces the seed has. Enough that
  // the limit is passed whether or not the seed unchokes us part way (which restarts the count).
  const auto requests = static_cast<std::uint32_t>(2 * peer::limits::peer_requests_max +
                                                   peer::limits::peer_requests_advertised + 100);
  for (std::uint32_t index = 0; index < requests; ++index) {
    wire::append_frame(bytes, wire::Request{.piece_index = index % 10,
                                            .begin = (index / 10 % 4) * 16 * 1024,
                                            .length = 16 * 1024});
  }
  const SessionEnd end = run_session(*seed_, bytes);
  EXPECT_TRUE(end.closed_by_peer);
  EXPECT_EQ(observer_.disconnects_with(peer::describe(peer::CloseReason::request_flood)), 1u);
}

TEST_F(HostileInput, SilentPeerTimesOutDuringHandshake) {
  // Half a handshake, then nothing: the peer gives up after its handshake timeout. (Checked with
  // a short client timeout: the peer must not answer a partial handshake.)
  std::vector<std::uint8_t> bytes = handshake(info_hash_);
  bytes.resize(30);
  SessionEnd end;
  client_->spawn(raw_session(*client_, world_.endpoint_of(*seed_), bytes, 300ms, end));
  world_.run_until([&] { return client_->task_count() == 0; }, 3s);
  EXPECT_TRUE(end.connected);
  EXPECT_FALSE(end.closed_by_peer);
  EXPECT_EQ(end.bytes_received, 0u);
}

}  // namespace
}  // namespace swarmlab::peer_test
