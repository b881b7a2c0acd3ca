#include "sim/pipe.hpp"

#include "sim/connection.hpp"
#include "sim/host.hpp"
#include "sim/limits.hpp"
#include "sim/world.hpp"

#include <algorithm>

namespace swarmlab::sim {

Pipe::Pipe(Connection& connection, std::uint8_t from) : connection_(&connection), from_(from) {
  assert(from < 2);
}

Pipe::~Pipe() {
  assert(shut_down_);
}

ConnectionSide& Pipe::sender_side() const {
  return connection_->side(from_);
}
ConnectionSide& Pipe::receiver_side() const {
  return connection_->side(1 - from_);
}
Host& Pipe::sender_host() const {
  return *sender_side().host;
}
Host& Pipe::receiver_host() const {
  return *receiver_side().host;
}
World& Pipe::world() const {
  return connection_->world();
}

std::uint64_t Pipe::send_buffer_room() const {
  const std::uint64_t buffered = write_offset() - sent_offset_;
  const std::uint64_t limit = world().config().stream.send_buffer_bytes;
  return buffered >= limit ? 0 : limit - buffered;
}

std::uint64_t Pipe::sendable_bytes() {
  absorb_acknowledgements();
  const std::uint64_t window = world().config().stream.receive_window_bytes;
  const std::uint64_t outstanding = sent_offset_ - acknowledged_read_offset_;
  const std::uint64_t room = outstanding >= window ? 0 : window - outstanding;
  return std::min(write_offset() - sent_offset_, room);
}

bool Pipe::path_open() const {
  return world().reachable(sender_host(), receiver_host()) &&
         world().reachable(receiver_host(), sender_host());
}

std::size_t Pipe::accept(const net::ConstBuffers& buffers) {
  assert(!fin_written_);
  assert(!shut_down_);
  std::uint64_t room = send_buffer_room();
  std::size_t accepted = 0;
  for (const auto& buffer : buffers) {
    if (room == 0) break;
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), room));
    bytes_.append(buffer.data(), count);
    accepted += count;
    room -= count;
  }
  if (accepted > 0 && !stalled_) sender_host().uplink().activate(sender_);
  return accepted;
}

void Pipe::finish() {
  if (fin_written_ || shut_down_) return;
  fin_written_ = true;
  fin_offset_ = write_offset();
  send_fin_if_ready();
}

void Pipe::send_fin_if_ready() {
  // With data still to send, the chunk that reaches fin_offset_ carries the FIN (chunk_sent).
  if (!fin_written_ || fin_sent_ || sent_offset_ != fin_offset_) return;
  if (!path_open()) {
    stall();
    return;
  }
  fin_sent_ = true;
  push_in_flight(0, true);
}

std::size_t Pipe::read(const net::MutableBuffers& buffers) {
  assert(!shut_down_);
  std::uint64_t offset = bytes_.begin_offset();
  std::uint64_t available = readable_bytes();
  for (const auto& buffer : buffers) {
    if (available == 0) break;
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), available));
    bytes_.copy_out(offset, buffer.data(), count);
    offset += count;
    available -= count;
  }
  const std::size_t count = static_cast<std::size_t>(offset - bytes_.begin_offset());
  if (count == 0) return 0;
  bytes_.consume_until(offset);
  world().network_counters().stream_bytes_read += count;
  acknowledge_read();
  return count;
}

void Pipe::discard_readable() {
  if (readable_bytes() == 0) return;
  bytes_.consume_until(delivered_offset_);
}

void Pipe::acknowledge_read() {
  const TimePoint arrival =
      std::max(world().now() + world().latency(receiver_host(), sender_host()),
               last_acknowledgement_arrival_);
  last_acknowledgement_arrival_ = arrival;
  if (!acknowledgements_.empty() && acknowledgements_.back().arrival == arrival) {
    acknowledgements_.back().read_offset = bytes_.begin_offset();
    return;
  }
  acknowledgements_.push_back({arrival, bytes_.begin_offset()});
  if (window_closed()) wake_on_acknowledgement();
}

void Pipe::absorb_acknowledgements() {
  const TimePoint now = world().now();
  while (!acknowledgements_.empty() && acknowledgements_.front().arrival <= now) {
    const Acknowledgement acknowledgement = acknowledgements_.front();
    acknowledgements_.pop_front();
    ++world().network_counters().acknowledgements;
    world().trace().record(TraceKind::acknowledgement, index_of(sender_host().id()),
                           acknowledgement.read_offset);
    acknowledged_read_offset_ = std::max(acknowledged_read_offset_, acknowledgement.read_offset);
  }
}

bool Pipe::window_closed() const {
  const std::uint64_t window = world().config().stream.receive_window_bytes;
  return write_offset() > sent_offset_ && sent_offset_ - acknowledged_read_offset_ >= window;
}

void Pipe::wake_on_acknowledgement() {
  if (acknowledgements_.empty() || acknowledgement_event_.scheduled()) return;
  // The front one may be due already (not yet taken in): then it is taken in at once, from the
  // run loop.
  world().scheduler().schedule(acknowledgement_event_,
                               std::max(acknowledgements_.front().arrival, world().now()));
}

void Pipe::acknowledgement_arrived() {
  absorb_acknowledgements();
  if (window_closed()) {
    wake_on_acknowledgement();
    return;
  }
  if (!stalled_ && sendable_bytes() > 0) sender_host().uplink().activate(sender_);
}

namespace {

// What a turn with `budget` bytes left takes of `available`: all of it when it fits, or when a
// fresh turn would leave no more than chunk_runt_bytes_max behind; else the budget.
std::uint32_t turn_size(std::uint64_t available, std::uint32_t budget, bool fresh_turn) {
  if (available <= budget) return static_cast<std::uint32_t>(available);
  if (fresh_turn && available - budget <= chunk_runt_bytes_max) {
    return static_cast<std::uint32_t>(available);
  }
  return budget;
}

}  // namespace

std::uint32_t Pipe::take_for_uplink(std::uint32_t budget, bool fresh_turn) {
  if (shut_down_ || stalled_) return 0;
  const std::uint32_t size = turn_size(sendable_bytes(), budget, fresh_turn);
  if (size == 0) {
    // Held back by the window: the sender needs to hear of the next read.
    if (window_closed()) wake_on_acknowledgement();
    return 0;
  }
  if (!path_open()) {
    stall();
    return 0;
  }
  sent_offset_ += size;
  ++world().network_counters().stream_chunks;
  // The send buffer has room again: a waiting writer may go on.
  connection_->writable(from_);
  return size;
}

std::uint32_t Pipe::take_for_downlink(std::uint32_t budget, bool fresh_turn) {
  const std::uint32_t size = turn_size(arrived_queued_bytes_, budget, fresh_turn);
  arrived_queued_bytes_ -= size;
  return size;
}

void Pipe::chunk_sent(std::uint32_t size_bytes) {
  assert(!shut_down_);
  const bool fin = fin_written_ && !fin_sent_ && sent_offset_ == fin_offset_;
  if (fin) fin_sent_ = true;
  push_in_flight(size_bytes, fin);
}

void Pipe::push_in_flight(std::uint32_t size_bytes, bool fin) {
  // Arrival times never decrease, even if the latency drops: bytes stay in order.
  const TimePoint arrival =
      std::max(world().now() + world().latency(sender_host(), receiver_host()), last_arrival_);
  last_arrival_ = arrival;
  in_flight_.push_back({arrival, size_bytes, fin});
  world().trace().record(TraceKind::link_transmission, index_of(sender_host().id()), size_bytes);
  if (!arrival_event_.scheduled()) world().scheduler().schedule(arrival_event_, arrival);
}

void Pipe::chunk_arrived() {
  assert(!in_flight_.empty());
  const Chunk chunk = in_flight_.front();
  in_flight_.pop_front();
  if (!in_flight_.empty()) world().scheduler().schedule(arrival_event_, in_flight_.front().arrival);
  world().trace().record(TraceKind::chunk_arrival, index_of(receiver_host().id()),
                         chunk.size_bytes);
  if (chunk.size_bytes > 0) {
    arrived_queued_bytes_ += chunk.size_bytes;
    receiver_host().downlink().activate(receiver_);
  }
  if (chunk.fin) {
    fin_arrived_ = true;
    if (delivered_offset_ == fin_offset_) {
      fin_delivered_ = true;
      connection_->readable(1 - from_);
    }
  }
}

void Pipe::chunk_delivered(std::uint32_t size_bytes) {
  delivered_offset_ += size_bytes;
  world().network_counters().stream_bytes_delivered += size_bytes;
  world().trace().record(TraceKind::chunk_delivery, index_of(receiver_host().id()), size_bytes);
  if (fin_arrived_ && delivered_offset_ == fin_offset_) fin_delivered_ = true;
  connection_->readable(1 - from_);
}

void Pipe::stall() {
  if (stalled_) return;
  stalled_ = true;
  world().add_stalled(*this);
  world().scheduler().schedule_after(stall_event_, world().config().stream.stall_timeout);
  world().trace().record(TraceKind::stream_stall, index_of(sender_host().id()), sent_offset_);
}

void Pipe::recheck_path() {
  assert(stalled_);
  if (!path_open()) return;
  stalled_ = false;
  world().remove_stalled(*this);
  world().scheduler().cancel(stall_event_);
  world().trace().record(TraceKind::stream_resume, index_of(sender_host().id()), sent_offset_);
  send_fin_if_ready();
  if (!stalled_ && sendable_bytes() > 0) sender_host().uplink().activate(sender_);
}

void Pipe::stall_expired() {
  assert(stalled_);
  connection_->stall_expired();
}

void Pipe::shut_down() {
  if (shut_down_) return;
  shut_down_ = true;
  if (sender_side().host != nullptr) sender_host().uplink().detach(sender_);
  if (receiver_side().host != nullptr) receiver_host().downlink().detach(receiver_);
  Scheduler& scheduler = world().scheduler();
  scheduler.cancel(arrival_event_);
  scheduler.cancel(acknowledgement_event_);
  scheduler.cancel(stall_event_);
  if (stalled_) world().remove_stalled(*this);
  stalled_ = false;
  in_flight_.clear();
  acknowledgements_.clear();
  arrived_queued_bytes_ = 0;
  bytes_.release();
  // Nothing is readable any more.
  delivered_offset_ = bytes_.begin_offset();
}

// ---- Link clients

std::uint32_t Pipe::Sender::link_take(std::uint32_t budget, bool fresh_turn) {
  return pipe_->take_for_uplink(budget, fresh_turn);
}

bool Pipe::Sender::link_backlogged() const {
  return !pipe_->shut_down_ && !pipe_->stalled_ && pipe_->sendable_bytes() > 0;
}

void Pipe::Sender::link_done(std::uint32_t bytes) {
  pipe_->chunk_sent(bytes);
}

std::uint32_t Pipe::Receiver::link_take(std::uint32_t budget, bool fresh_turn) {
  return pipe_->take_for_downlink(budget, fresh_turn);
}

void Pipe::Receiver::link_done(std::uint32_t bytes) {
  pipe_->chunk_delivered(bytes);
}

}  // namespace swarmlab::sim
