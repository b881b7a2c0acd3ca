// The UDP socket behind net::Datagram. Sending never blocks: the datagram is copied into a pooled
// Packet and queued on the host's uplink (or dropped if the link's queue is full), and the send
// completes at once. Received datagrams wait in a bounded queue until read.
#pragma once

#include "net/host.hpp"
#include "sim/datagram_queue.hpp"
#include "sim/graveyard.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/pending.hpp"

#include <cstdint>

namespace swarmlab::sim {

class Host;
class Scheduler;

class SimDatagram final : public net::DatagramBackend {
 public:
  SimDatagram(Host& host, const net::Endpoint& local);
  ~SimDatagram() override;

  boost::asio::any_io_executor executor() override;
  void send_to(net::ConstBuffers buffers, net::Endpoint target, net::IoHandler handler) override;
  void receive_from(net::MutableBuffers buffers, net::Endpoint* sender,
                    net::IoHandler handler) override;
  void close() override;
  net::Endpoint local_endpoint() const override { return local_; }

  void mark_bound(std::uint16_t port) {
    local_.port = port;
    bound_ = true;
  }
  // A datagram came out of the host's downlink for this socket.
  void deliver(Packet& packet);
  // The host crashed.
  void abort();
  // Teardown.
  void take_pending(HandlerGraveyard& graveyard);
  void detach();

 private:
  void complete_receive(Packet& packet);
  void unbind(net::error_code error);

  Host* host_;
  Scheduler* scheduler_;
  net::Endpoint local_;
  bool bound_ = false;
  IntrusiveList<Packet, PacketQueueTag> received_;
  Pending<void(net::error_code, std::size_t)> receive_;
  net::MutableBuffers receive_buffers_;
  net::Endpoint* receive_sender_ = nullptr;
};

}  // namespace swarmlab::sim
