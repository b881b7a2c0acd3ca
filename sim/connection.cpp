#include "sim/connection.hpp"

#include "sim/host.hpp"
#include "sim/stream.hpp"
#include "sim/world.hpp"

#include <boost/asio/error.hpp>

namespace swarmlab::sim {

namespace asio_error = boost::asio::error;

Connection::Connection(World& world, Host& client, const net::Endpoint& local,
                       const net::Endpoint& remote)
    : world_(&world), sides_{{{*this, 0}, {*this, 1}}}, pipes_{{{*this, 0}, {*this, 1}}} {
  ConnectionSide& client_side = sides_[0];
  client_side.host = &client;
  client_side.local = local;
  client_side.remote = remote;
}

Connection::~Connection() {
  assert(pipes_[0].is_shut_down());
  assert(pipes_[1].is_shut_down());
  assert(!connect_.active());
}

// ---- Handshake

void Connection::start_connect(net::StreamHandler handler) {
  ConnectionSide& client = sides_[0];
  assert(client.host != nullptr);
  client.closed = false;
  client.host->connections().push_back(client);
  connect_.start(std::move(handler),
                 [this] { abandon_connect(asio_error::operation_aborted, true); });
  ++world_->network_counters().connects_started;
  world_->trace().record(TraceKind::connect_request, index_of(client.host->id()),
                         client.remote.port);
  Scheduler& scheduler = world_->scheduler();
  scheduler.schedule_after(connect_timeout_event_, world_->config().stream.connect_timeout);
  Host* server = world_->find_host(client.remote.address);
  if (server == nullptr || !world_->reachable(*client.host, *server) ||
      !world_->reachable(*server, *client.host)) {
    return;  // The SYN is lost: the timeout completes the connect.
  }
  server_host_ = server;
  handshake_ = Handshake::syn;
  scheduler.schedule_after(handshake_event_, world_->latency(*client.host, *server));
}

void Connection::handshake_arrived() {
  if (handshake_ == Handshake::syn) {
    syn_arrived();
  } else {
    answer_arrived();
  }
}

void Connection::syn_arrived() {
  Host& server = *server_host_;
  Host& client = *sides_[0].host;
  // Lost on the way if the server went down or the path was cut meanwhile.
  if (!world_->reachable(client, server) || !world_->reachable(server, client)) return;
  const net::Endpoint target = sides_[0].remote;
  SimListener* listener = server.find_listener(target.port);
  if (listener == nullptr || !listener->accepts(target.address)) {
    handshake_ = Handshake::refused;
    world_->scheduler().schedule_after(handshake_event_, world_->latency(server, client));
    return;
  }
  if (listener->backlog_full()) return;  // Dropped, like a SYN to a full accept queue.
  ConnectionSide& server_side = sides_[1];
  server_side.host = &server;
  server_side.local = target;
  server_side.remote = sides_[0].local;
  server_side.closed = false;
  server.connections().push_back(server_side);
  established_ = true;
  handshake_ = Handshake::syn_ack;
  world_->scheduler().schedule_after(handshake_event_, world_->latency(server, client));
  world_->trace().record(TraceKind::connect_accepted, index_of(server.id()), target.port);
  listener->enqueue(*this);
}

void Connection::answer_arrived() {
  const Handshake answer = handshake_;
  handshake_ = Handshake::none;
  world_->scheduler().cancel(connect_timeout_event_);
  ConnectionSide& client = sides_[0];
  if (answer == Handshake::refused) {
    ++world_->network_counters().connects_refused;
    world_->trace().record(TraceKind::connect_refused, index_of(client.host->id()), 0);
    abandon_connect(asio_error::connection_refused, false);
    return;
  }
  assert(answer == Handshake::syn_ack);
  ++world_->network_counters().connects_established;
  auto stream = std::make_unique<SimStream>(*this, 0);
  client.stream = stream.get();
  world_->scheduler().complete(connect_.take(), net::error_code(), net::Stream(std::move(stream)));
}

void Connection::connect_timed_out() {
  ++world_->network_counters().connects_timed_out;
  world_->trace().record(TraceKind::connect_timeout, index_of(sides_[0].host->id()), 0);
  abandon_connect(asio_error::timed_out, false);
}

void Connection::abandon_connect(net::error_code error, bool from_cancellation) {
  assert(connect_.active());
  Scheduler& scheduler = world_->scheduler();
  scheduler.cancel(connect_timeout_event_);
  scheduler.cancel(handshake_event_);
  handshake_ = Handshake::none;
  scheduler.complete(from_cancellation ? connect_.take_cancelled() : connect_.take(), error,
                     net::Stream());
  // A server end that already exists learns of it from the client's reset.
  if (!sides_[1].closed && !sides_[1].failure) send_reset_to(1);
  pipes_[0].shut_down();
  pipes_[1].shut_down();
  close(0);
}

void Connection::accepted(SimStream& stream) {
  assert(!sides_[1].closed);
  assert(sides_[1].stream == nullptr);
  sides_[1].stream = &stream;
}

void Connection::drop_unaccepted() {
  ConnectionSide& server = sides_[1];
  assert(server.stream == nullptr);
  if (server.closed) return;
  if (sides_[0].failure == net::error_code()) send_reset_to(0);
  pipes_[0].shut_down();
  pipes_[1].shut_down();
  close(1);
}

// ---- Operations

void Connection::read(std::uint8_t index, const net::MutableBuffers& buffers,
                      net::IoHandler handler) {
  ConnectionSide& side = sides_[index];
  assert(!side.closed);
  assert(!side.read.active());
  Scheduler& scheduler = world_->scheduler();
  if (side.failure) {
    scheduler.complete(std::move(handler), side.failure, std::size_t{0});
    return;
  }
  if (buffers.total_size_bytes() == 0) {
    scheduler.complete(std::move(handler), net::error_code(), std::size_t{0});
    return;
  }
  side.read.start(std::move(handler), [this, index] {
    ConnectionSide& cancelled = sides_[index];
    world_->scheduler().complete(cancelled.read.take_cancelled(),
                                 net::error_code(asio_error::operation_aborted), std::size_t{0});
  });
  side.read_buffers = buffers;
  complete_read(side);
}

void Connection::complete_read(ConnectionSide& side) {
  assert(side.read.active());
  const net::Result<std::size_t> result = read_now(side, side.read_buffers);
  if (result) {
    world_->scheduler().complete(side.read.take(), net::error_code(), *result);
  } else if (result.error() != asio_error::would_block) {
    world_->scheduler().complete(side.read.take(), result.error(), std::size_t{0});
  }
}

net::Result<std::size_t> Connection::try_read(std::uint8_t index,
                                              const net::MutableBuffers& buffers) {
  ConnectionSide& side = sides_[index];
  assert(!side.closed);
  assert(!side.read.active());
  if (side.failure) return side.failure;
  if (buffers.total_size_bytes() == 0) return std::size_t{0};
  return read_now(side, buffers);
}

net::Result<std::size_t> Connection::read_now(ConnectionSide& side,
                                              const net::MutableBuffers& buffers) {
  Pipe& incoming = pipes_[1 - side.index];
  if (incoming.readable_bytes() > 0) {
    const std::size_t count = incoming.read(buffers);
    world_->trace().record(TraceKind::stream_read, index_of(side.host->id()), count);
    return count;
  }
  if (incoming.at_eof()) return net::error_code(asio_error::eof);
  return net::error_code(asio_error::would_block);
}

void Connection::write(std::uint8_t index, const net::ConstBuffers& buffers,
                       net::IoHandler handler) {
  ConnectionSide& side = sides_[index];
  assert(!side.closed);
  assert(!side.write.active());
  Scheduler& scheduler = world_->scheduler();
  if (side.failure) {
    scheduler.complete(std::move(handler), side.failure, std::size_t{0});
    return;
  }
  const std::size_t count = buffers.total_size_bytes() == 0 ? 0 : accept_write(index, buffers);
  if (count > 0 || buffers.total_size_bytes() == 0) {
    scheduler.complete(std::move(handler), net::error_code(), count);
    return;
  }
  side.write.start(std::move(handler), [this, index] {
    ConnectionSide& cancelled = sides_[index];
    world_->scheduler().complete(cancelled.write.take_cancelled(),
                                 net::error_code(asio_error::operation_aborted), std::size_t{0});
  });
  side.write_buffers = buffers;
}

net::Result<std::size_t> Connection::try_write(std::uint8_t index,
                                               const net::ConstBuffers& buffers) {
  ConnectionSide& side = sides_[index];
  assert(!side.closed);
  assert(!side.write.active());
  if (side.failure) return side.failure;
  if (buffers.total_size_bytes() == 0) return std::size_t{0};
  const std::size_t count = accept_write(index, buffers);
  if (count == 0) return net::error_code(asio_error::would_block);
  return count;
}

std::size_t Connection::write_room(std::uint8_t index) const {
  const ConnectionSide& side = sides_[index];
  if (side.closed || side.failure || side.write.active()) return 0;
  return static_cast<std::size_t>(pipes_[index].send_buffer_room());
}

std::size_t Connection::accept_write(std::uint8_t index, const net::ConstBuffers& buffers) {
  const std::size_t count = pipes_[index].accept(buffers);
  if (count > 0) {
    world_->network_counters().stream_bytes_written += count;
    world_->trace().record(TraceKind::stream_write, index_of(sides_[index].host->id()), count);
  }
  return count;
}

void Connection::close(std::uint8_t index) {
  ConnectionSide& side = sides_[index];
  if (side.closed) return;
  side.closed = true;
  side.stream = nullptr;
  Scheduler& scheduler = world_->scheduler();
  const net::error_code aborted(asio_error::operation_aborted);
  if (side.read.active()) scheduler.complete(side.read.take(), aborted, std::size_t{0});
  if (side.write.active()) scheduler.complete(side.write.take(), aborted, std::size_t{0});
  if (side.host != nullptr) {
    world_->trace().record(TraceKind::stream_close, index_of(side.host->id()), index);
    if (static_cast<ListHook<HostConnectionsTag>&>(side).linked()) {
      side.host->connections().erase(side);
    }
  }
  if (!side.failure && established_) pipes_[index].finish();
  // Bytes the closed end had not read answer with a reset, as they would on a real socket.
  if (!side.failure && pipes_[1 - index].readable_bytes() > 0) {
    pipes_[1 - index].discard_readable();
    if (!sides_[1 - index].closed && !sides_[1 - index].failure) send_reset_to(1 - index);
  }
  maybe_retire();
}

// ---- From the pipes

void Connection::readable(std::uint8_t index) {
  ConnectionSide& side = sides_[index];
  if (side.closed) {
    // Data reached an end nobody reads any more: answer with a reset.
    pipes_[1 - index].discard_readable();
    ConnectionSide& writer = sides_[1 - index];
    if (!writer.closed && !writer.failure && !writer.reset_event.scheduled())
      send_reset_to(1 - index);
    return;
  }
  if (side.read.active()) complete_read(side);
}

void Connection::writable(std::uint8_t index) {
  ConnectionSide& side = sides_[index];
  if (!side.write.active()) return;
  const std::size_t count = accept_write(index, side.write_buffers);
  if (count == 0) return;
  world_->scheduler().complete(side.write.take(), net::error_code(), count);
}

void Connection::stall_expired() {
  // Both ends give up on the broken path at the same moment.
  fail(0, asio_error::connection_reset);
  fail(1, asio_error::connection_reset);
}

// ---- Faults

void ConnectionSide::reset_arrived() {
  connection->fail(index, boost::asio::error::connection_reset);
}

void Connection::send_reset_to(std::uint8_t index) {
  ConnectionSide& target = sides_[index];
  const ConnectionSide& source = sides_[1 - index];
  assert(target.host != nullptr);
  assert(source.host != nullptr);
  if (target.reset_event.scheduled()) return;
  world_->scheduler().schedule_after(target.reset_event,
                                     world_->latency(*source.host, *target.host));
}

void Connection::fail(std::uint8_t index, net::error_code error) {
  pipes_[0].shut_down();
  pipes_[1].shut_down();
  ConnectionSide& side = sides_[index];
  world_->scheduler().cancel(side.reset_event);
  if (side.closed || side.failure) return;
  side.failure = error;
  ++world_->network_counters().connections_reset;
  world_->trace().record(TraceKind::connection_reset, index_of(side.host->id()),
                         static_cast<std::uint64_t>(error.value()));
  if (index == 0 && connect_.active()) {
    abandon_connect(error, false);
    return;
  }
  Scheduler& scheduler = world_->scheduler();
  if (side.read.active()) scheduler.complete(side.read.take(), error, std::size_t{0});
  if (side.write.active()) scheduler.complete(side.write.take(), error, std::size_t{0});
}

void Connection::crash(std::uint8_t index) {
  ConnectionSide& side = sides_[index];
  ConnectionSide& peer = sides_[1 - index];
  // The peer hears of it one latency later, if it is still there to hear.
  if (peer.host != nullptr && !peer.closed && !peer.failure) send_reset_to(1 - index);
  if (index == 1) {
    world_->scheduler().cancel(handshake_event_);
    handshake_ = Handshake::none;
  }
  fail(index, asio_error::operation_aborted);
  if (static_cast<ListHook<HostConnectionsTag>&>(side).linked()) {
    side.host->connections().erase(side);
  }
}

void Connection::maybe_retire() {
  if (!sides_[0].closed || !sides_[1].closed) return;
  if (static_cast<ListHook<AcceptQueueTag>&>(*this).linked()) return;
  world_->retire_connection(*this);
}

void Connection::shut_down() {
  pipes_[0].shut_down();
  pipes_[1].shut_down();
  Scheduler& scheduler = world_->scheduler();
  scheduler.cancel(handshake_event_);
  scheduler.cancel(connect_timeout_event_);
  for (ConnectionSide& side : sides_) {
    scheduler.cancel(side.reset_event);
    if (static_cast<ListHook<HostConnectionsTag>&>(side).linked()) {
      side.host->connections().erase(side);
    }
  }
}

void Connection::take_pending(HandlerGraveyard& graveyard) {
  if (connect_.active()) graveyard.streams.push_back(connect_.take());
  for (ConnectionSide& side : sides_) {
    if (side.read.active()) graveyard.transfers.push_back(side.read.take());
    if (side.write.active()) graveyard.transfers.push_back(side.write.take());
  }
}

}  // namespace swarmlab::sim
