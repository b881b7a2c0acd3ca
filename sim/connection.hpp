// A simulated TCP-like connection: two ends (ConnectionSide) and two pipes, one per direction.
//
// Life of a connection:
//   connect: the client's SYN reaches the server one latency later (or is lost: the host is down,
//     absent or cut off, and the connect times out after StreamConfig::connect_timeout); if
//     something listens there, the server end is established and queued for accept, and the
//     SYN-ACK completes the connect one latency later; otherwise a RST refuses it one latency
//     later.
//   transfer: see pipe.hpp.
//   end: close() on one end sends a FIN after its bytes (the peer reads them, then eof); bytes that
//     reach a closed end answer with a reset. A crash fails the crashed end's operations at once
//     and resets the peer one latency later; a stalled pipe resets both ends at its timeout.
// The connection is freed once both ends are closed (their handles closed or destroyed, or never
// handed out).
#pragma once

#include "net/host.hpp"
#include "sim/event_queue.hpp"
#include "sim/graveyard.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/pending.hpp"
#include "sim/pipe.hpp"

#include <array>
#include <cstdint>
#include <list>

namespace swarmlab::sim {

class Connection;
class Host;
class SimListener;
class SimStream;
class World;
struct HostConnectionsTag;
struct AcceptQueueTag;

class ConnectionSide : public ListHook<HostConnectionsTag> {
 public:
  ConnectionSide(Connection& owner, std::uint8_t side_index)
      : connection(&owner), index(side_index) {}
  ConnectionSide(const ConnectionSide&) = delete;
  ConnectionSide& operator=(const ConnectionSide&) = delete;

  Connection* connection;
  std::uint8_t index;
  // Null for the server end until the SYN arrives.
  Host* host = nullptr;
  net::Endpoint local;
  net::Endpoint remote;
  // The handle given to the application, while it exists.
  SimStream* stream = nullptr;
  // No handle will use this end again (closed, destroyed, or never handed out).
  bool closed = true;
  // Once set, every operation on this end fails with it.
  net::error_code failure;
  Pending<void(net::error_code, std::size_t)> read;
  net::MutableBuffers read_buffers;
  Pending<void(net::error_code, std::size_t)> write;
  net::ConstBuffers write_buffers;

  void reset_arrived();
  MemberEvent<ConnectionSide, &ConnectionSide::reset_arrived> reset_event{*this};
};

class Connection : public ListHook<AcceptQueueTag> {
 public:
  Connection(World& world, Host& client, const net::Endpoint& local, const net::Endpoint& remote);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  World& world() const { return *world_; }
  ConnectionSide& side(std::uint8_t index) { return sides_[index]; }
  Pipe& pipe_from(std::uint8_t index) { return pipes_[index]; }
  bool established() const { return established_; }
  std::list<Connection>::iterator position() const { return position_; }
  void set_position(std::list<Connection>::iterator position) { position_ = position; }

  // ---- Handshake (side 0 is the client)
  void start_connect(net::StreamHandler handler);
  // A listener is closing (or its host crashed) with this connection not yet accepted.
  void drop_unaccepted();
  // The server end was handed to the application.
  void accepted(SimStream& stream);

  // ---- Operations on one end, from its handle
  void read(std::uint8_t index, const net::MutableBuffers& buffers, net::IoHandler handler);
  void write(std::uint8_t index, const net::ConstBuffers& buffers, net::IoHandler handler);
  // What read() would complete with at once, without a handler (would_block when nothing is
  // readable).
  net::Result<std::size_t> try_read(std::uint8_t index, const net::MutableBuffers& buffers);
  // What write() would accept at once, without a handler (would_block when the buffer is full).
  net::Result<std::size_t> try_write(std::uint8_t index, const net::ConstBuffers& buffers);
  // What try_write would take now in full (the send buffer's room); 0 once closed or failed.
  std::size_t write_room(std::uint8_t index) const;
  void close(std::uint8_t index);

  // ---- From the pipes
  void readable(std::uint8_t index);
  void writable(std::uint8_t index);
  void stall_expired();

  // ---- Faults
  // The host of end `index` crashed.
  void crash(std::uint8_t index);
  // End `index` fails now with `error` and the transport stops.
  void fail(std::uint8_t index, net::error_code error);

  // Stops everything before the connection is freed.
  void shut_down();
  // Teardown: hand every pending handler over without running it.
  void take_pending(HandlerGraveyard& graveyard);

 private:
  enum class Handshake : std::uint8_t { none, syn, syn_ack, refused };

  void handshake_arrived();
  void syn_arrived();
  void answer_arrived();
  void connect_timed_out();
  void abandon_connect(net::error_code error, bool from_cancellation);
  void send_reset_to(std::uint8_t index);
  void complete_read(ConnectionSide& side);
  // Copies what is readable into `buffers`: the byte count, eof, or would_block.
  net::Result<std::size_t> read_now(ConnectionSide& side, const net::MutableBuffers& buffers);
  // Appends what the send buffer takes of `buffers` and records the write; returns how much.
  std::size_t accept_write(std::uint8_t index, const net::ConstBuffers& buffers);
  void maybe_retire();

  World* world_;
  std::array<ConnectionSide, 2> sides_;
  std::array<Pipe, 2> pipes_;
  Host* server_host_ = nullptr;
  bool established_ = false;
  Handshake handshake_ = Handshake::none;
  Pending<void(net::error_code, net::Stream)> connect_;
  std::list<Connection>::iterator position_;
  MemberEvent<Connection, &Connection::handshake_arrived> handshake_event_{*this};
  MemberEvent<Connection, &Connection::connect_timed_out> connect_timeout_event_{*this};
};

}  // namespace swarmlab::sim
