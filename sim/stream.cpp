#include "sim/stream.hpp"

#include "sim/connection.hpp"
#include "sim/host.hpp"
#include "sim/world.hpp"

#include <boost/asio/error.hpp>

namespace swarmlab::sim {

namespace asio_error = boost::asio::error;

// ---- SimStream

SimStream::SimStream(Connection& connection, std::uint8_t side)
    : connection_(&connection),
      scheduler_(&connection.world().scheduler()),
      side_(side),
      local_(connection.side(side).local),
      remote_(connection.side(side).remote) {}

SimStream::~SimStream() {
  close();
}

boost::asio::any_io_executor SimStream::executor() {
  return scheduler_->executor();
}

void SimStream::read_some(net::MutableBuffers buffers, net::IoHandler handler) {
  if (connection_ == nullptr) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::bad_descriptor),
                         std::size_t{0});
    return;
  }
  connection_->read(side_, buffers, std::move(handler));
}

void SimStream::write_some(net::ConstBuffers buffers, net::IoHandler handler) {
  if (connection_ == nullptr) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::bad_descriptor),
                         std::size_t{0});
    return;
  }
  connection_->write(side_, buffers, std::move(handler));
}

net::Result<std::size_t> SimStream::try_read_some(net::MutableBuffers buffers) {
  if (connection_ == nullptr) return net::error_code(asio_error::bad_descriptor);
  return connection_->try_read(side_, buffers);
}

net::Result<std::size_t> SimStream::try_write_some(net::ConstBuffers buffers) {
  if (connection_ == nullptr) return net::error_code(asio_error::bad_descriptor);
  return connection_->try_write(side_, buffers);
}

std::size_t SimStream::write_room() const {
  return connection_ == nullptr ? 0 : connection_->write_room(side_);
}

void SimStream::close() {
  if (connection_ == nullptr) return;
  Connection* connection = connection_;
  connection_ = nullptr;
  connection->close(side_);
}

// ---- SimListener

SimListener::SimListener(Host& host, const net::Endpoint& local)
    : host_(&host), scheduler_(&host.world().scheduler()), local_(local) {}

SimListener::~SimListener() {
  close();
}

boost::asio::any_io_executor SimListener::executor() {
  return scheduler_->executor();
}

bool SimListener::backlog_full() const {
  return backlog_.size() >= host_->world().config().stream.listen_backlog_max;
}

void SimListener::enqueue(Connection& connection) {
  assert(bound_);
  if (accept_.active()) {
    hand_out(connection, accept_.take());
    return;
  }
  backlog_.push_back(connection);
}

void SimListener::hand_out(Connection& connection, net::StreamHandler handler) {
  auto stream = std::make_unique<SimStream>(connection, 1);
  connection.accepted(*stream);
  scheduler_->complete(std::move(handler), net::error_code(), net::Stream(std::move(stream)));
}

void SimListener::accept(net::StreamHandler handler) {
  assert(!accept_.active());
  if (!bound_) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::bad_descriptor),
                         net::Stream());
    return;
  }
  if (!backlog_.empty()) {
    hand_out(backlog_.pop_front(), std::move(handler));
    return;
  }
  accept_.start(std::move(handler), [this] {
    scheduler_->complete(accept_.take_cancelled(), net::error_code(asio_error::operation_aborted),
                         net::Stream());
  });
}

void SimListener::unbind(net::error_code error) {
  if (!bound_) return;
  bound_ = false;
  host_->unbind_listener(local_.port);
  if (accept_.active()) scheduler_->complete(accept_.take(), error, net::Stream());
  // Connections nobody will accept now are reset.
  while (!backlog_.empty())
    backlog_.pop_front().drop_unaccepted();
}

void SimListener::close() {
  unbind(asio_error::operation_aborted);
}

void SimListener::abort() {
  unbind(asio_error::operation_aborted);
}

void SimListener::take_pending(HandlerGraveyard& graveyard) {
  if (accept_.active()) graveyard.streams.push_back(accept_.take());
}

void SimListener::detach() {
  assert(!accept_.active());
  if (bound_) host_->unbind_listener(local_.port);
  bound_ = false;
  backlog_.for_each([this](Connection& connection) { backlog_.erase(connection); });
}

// ---- Connect

void start_connect(Host& host, const net::Endpoint& remote, net::StreamHandler handler) {
  World& world = host.world();
  Scheduler& scheduler = world.scheduler();
  if (!host.up()) {
    scheduler.complete(std::move(handler), net::error_code(asio_error::operation_aborted),
                       net::Stream());
    return;
  }
  const std::optional<net::Address> source = host.address_of_family(remote.address.is_v6());
  if (!source) {
    scheduler.complete(std::move(handler),
                       net::error_code(asio_error::address_family_not_supported), net::Stream());
    return;
  }
  const net::Endpoint local{*source, host.ephemeral_port()};
  Connection& connection = world.create_connection(host, local, remote);
  connection.start_connect(std::move(handler));
}

}  // namespace swarmlab::sim
