// The handles the application holds for simulated TCP: SimStream (one end of a Connection) behind
// net::Stream, and SimListener (a bound port with its accept queue) behind net::Listener; plus the
// entry point of Host::async_connect.
#pragma once

#include "net/host.hpp"
#include "sim/graveyard.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/pending.hpp"

#include <cstdint>

namespace swarmlab::sim {

class Connection;
class Host;
class Scheduler;
struct AcceptQueueTag;

class SimStream final : public net::StreamBackend {
 public:
  SimStream(Connection& connection, std::uint8_t side);
  ~SimStream() override;

  boost::asio::any_io_executor executor() override;
  void read_some(net::MutableBuffers buffers, net::IoHandler handler) override;
  void write_some(net::ConstBuffers buffers, net::IoHandler handler) override;
  net::Result<std::size_t> try_read_some(net::MutableBuffers buffers) override;
  net::Result<std::size_t> try_write_some(net::ConstBuffers buffers) override;
  std::size_t write_room() const override;
  void close() override;
  bool is_open() const override { return connection_ != nullptr; }
  net::Endpoint local_endpoint() const override { return local_; }
  net::Endpoint remote_endpoint() const override { return remote_; }

  // Teardown: the connection goes first.
  void detach() { connection_ = nullptr; }

 private:
  Connection* connection_;
  Scheduler* scheduler_;
  std::uint8_t side_;
  net::Endpoint local_;
  net::Endpoint remote_;
};

struct HostListenersTag;

class SimListener final : public net::ListenerBackend {
 public:
  SimListener(Host& host, const net::Endpoint& local);
  ~SimListener() override;

  boost::asio::any_io_executor executor() override;
  void accept(net::StreamHandler handler) override;
  void close() override;
  net::Endpoint local_endpoint() const override { return local_; }

  // The host bound `port` to this listener.
  void mark_bound(std::uint16_t port) {
    local_.port = port;
    bound_ = true;
  }
  bool accepts(const net::Address& address) const {
    return local_.address.is_unspecified() || local_.address == address;
  }
  bool backlog_full() const;
  // A connection finished its handshake here.
  void enqueue(Connection& connection);
  // The host crashed: fail a pending accept, drop the queue, free the port.
  void abort();
  // Teardown.
  void take_pending(HandlerGraveyard& graveyard);
  void detach();

 private:
  void hand_out(Connection& connection, net::StreamHandler handler);
  void unbind(net::error_code error);

  Host* host_;
  Scheduler* scheduler_;
  net::Endpoint local_;
  bool bound_ = false;
  IntrusiveList<Connection, AcceptQueueTag> backlog_;
  Pending<void(net::error_code, net::Stream)> accept_;
};

// Host::async_connect for simulated hosts.
void start_connect(Host& host, const net::Endpoint& remote, net::StreamHandler handler);

}  // namespace swarmlab::sim
