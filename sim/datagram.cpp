#include "sim/datagram.hpp"

#include "sim/host.hpp"
#include "sim/limits.hpp"
#include "sim/world.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <cstring>

namespace swarmlab::sim {

namespace asio_error = boost::asio::error;

SimDatagram::SimDatagram(Host& host, const net::Endpoint& local)
    : host_(&host), scheduler_(&host.world().scheduler()), local_(local) {}

SimDatagram::~SimDatagram() {
  close();
}

boost::asio::any_io_executor SimDatagram::executor() {
  return scheduler_->executor();
}

void SimDatagram::send_to(net::ConstBuffers buffers, net::Endpoint target, net::IoHandler handler) {
  if (!bound_) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::bad_descriptor),
                         std::size_t{0});
    return;
  }
  const std::size_t size = buffers.total_size_bytes();
  if (size > datagram_size_bytes_max) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::message_size),
                         std::size_t{0});
    return;
  }
  const std::optional<net::Address> source = host_->address_of_family(target.address.is_v6());
  if (!source) {
    scheduler_->complete(std::move(handler),
                         net::error_code(asio_error::address_family_not_supported), std::size_t{0});
    return;
  }
  World& world = host_->world();
  Packet& packet = world.acquire_packet();
  packet.payload.resize(size);
  std::size_t offset = 0;
  for (const auto& buffer : buffers) {
    std::memcpy(packet.payload.data() + offset, buffer.data(), buffer.size());
    offset += buffer.size();
  }
  packet.source = net::Endpoint{*source, local_.port};
  packet.target = target;
  packet.source_host = host_->id();
  ++world.network_counters().datagrams_sent;
  world.trace().record(TraceKind::datagram_send, index_of(host_->id()), size);
  scheduler_->complete(std::move(handler), net::error_code(), size);
  if (!host_->datagram_uplink().push(packet, host_->link().queue_limit_bytes)) {
    ++world.network_counters().datagrams_dropped_queue;
    world.trace().record(TraceKind::datagram_drop, index_of(host_->id()), 1);
    world.release_packet(packet);
    return;
  }
  host_->uplink().activate(host_->datagram_uplink());
}

void SimDatagram::receive_from(net::MutableBuffers buffers, net::Endpoint* sender,
                               net::IoHandler handler) {
  assert(!receive_.active());
  assert(sender != nullptr);
  if (!bound_) {
    scheduler_->complete(std::move(handler), net::error_code(asio_error::bad_descriptor),
                         std::size_t{0});
    return;
  }
  receive_.start(std::move(handler), [this] {
    scheduler_->complete(receive_.take_cancelled(), net::error_code(asio_error::operation_aborted),
                         std::size_t{0});
  });
  receive_buffers_ = buffers;
  receive_sender_ = sender;
  if (!received_.empty()) complete_receive(received_.pop_front());
}

void SimDatagram::deliver(Packet& packet) {
  assert(bound_);
  World& world = host_->world();
  if (receive_.active()) {
    complete_receive(packet);
    return;
  }
  if (received_.size() >= world.config().udp.receive_queue_datagrams_max) {
    ++world.network_counters().datagrams_dropped_queue;
    world.trace().record(TraceKind::datagram_drop, index_of(host_->id()), 2);
    world.release_packet(packet);
    return;
  }
  received_.push_back(packet);
}

void SimDatagram::complete_receive(Packet& packet) {
  assert(receive_.active());
  // Like a real socket, a datagram longer than the buffers is truncated.
  std::size_t copied = 0;
  for (const auto& buffer : receive_buffers_) {
    const std::size_t count = std::min(buffer.size(), packet.payload.size() - copied);
    std::memcpy(buffer.data(), packet.payload.data() + copied, count);
    copied += count;
    if (copied == packet.payload.size()) break;
  }
  *receive_sender_ = packet.source;
  World& world = host_->world();
  ++world.network_counters().datagrams_delivered;
  world.trace().record(TraceKind::datagram_delivery, index_of(host_->id()), copied);
  world.release_packet(packet);
  scheduler_->complete(receive_.take(), net::error_code(), copied);
}

void SimDatagram::unbind(net::error_code error) {
  if (!bound_) return;
  bound_ = false;
  host_->unbind_datagram(local_.port);
  if (receive_.active()) scheduler_->complete(receive_.take(), error, std::size_t{0});
  while (!received_.empty())
    host_->world().release_packet(received_.pop_front());
}

void SimDatagram::close() {
  unbind(asio_error::operation_aborted);
}

void SimDatagram::abort() {
  unbind(asio_error::operation_aborted);
}

void SimDatagram::take_pending(HandlerGraveyard& graveyard) {
  if (receive_.active()) graveyard.transfers.push_back(receive_.take());
}

void SimDatagram::detach() {
  assert(!receive_.active());
  if (bound_) host_->unbind_datagram(local_.port);
  bound_ = false;
  while (!received_.empty())
    host_->world().release_packet(received_.pop_front());
}

// ---- Packet and PacketQueue

void Packet::fire() {
  world_->datagram_arrived(*this);
}

PacketQueue::~PacketQueue() {
  assert(packets_.empty());
}

bool PacketQueue::push(Packet& packet, std::uint64_t limit_bytes) {
  if (limit_bytes != 0 && queued_bytes_ + packet.size_bytes() > limit_bytes) return false;
  packets_.push_back(packet);
  queued_bytes_ += packet.size_bytes();
  return true;
}

void PacketQueue::clear() {
  while (!packets_.empty())
    world_->release_packet(packets_.pop_front());
  if (transmitting_ != nullptr) world_->release_packet(*transmitting_);
  transmitting_ = nullptr;
  queued_bytes_ = 0;
}

std::uint32_t PacketQueue::link_take(std::uint32_t budget, bool fresh_turn) {
  if (packets_.empty()) return 0;
  Packet& packet = packets_.front();
  // A datagram is never split: a large one may overrun the turn it starts.
  if (packet.size_bytes() > budget && !fresh_turn) return 0;
  assert(transmitting_ == nullptr);
  packets_.erase(packet);
  queued_bytes_ -= packet.size_bytes();
  transmitting_ = &packet;
  // An empty datagram still occupies the link for a moment (its headers).
  return std::max<std::uint32_t>(packet.size_bytes(), 1);
}

void PacketQueue::link_done(std::uint32_t) {
  assert(transmitting_ != nullptr);
  Packet& packet = *transmitting_;
  transmitting_ = nullptr;
  if (end_ == End::uplink) {
    world_->datagram_uplinked(packet);
  } else {
    world_->datagram_downlinked(packet);
  }
}

}  // namespace swarmlab::sim
