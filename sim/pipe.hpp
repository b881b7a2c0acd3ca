// One direction of a simulated stream: the bytes one end writes and the other end reads, and how
// they cross the network.
//
//   writer --accept()--> [send buffer] --uplink--> (latency) --downlink--> [receive side]
//   --read()-->
//
// The bytes live once, in a ByteRing, from the oldest unread byte to the newest written one; the
// stages are offsets into it:
//
//   read_offset <= delivered_offset <= sent_offset <= write_offset
//   |- unread --|-- in flight ---------|-- send buffer -|
//
// * A write is accepted while the send buffer (write - sent) has room, so a fast writer is paced by
//   the uplink.
// * The sender's uplink takes chunks of at most one link quantum when the window allows: bytes in
//   flight plus bytes unread (sent - the reader's offset as last acknowledged) stay within the
//   receive window. This is TCP's flow control, and it is what makes a flow that is held back at
//   the receiver's downlink stop taking uplink turns it cannot use.
// * A chunk reaches the receiver's downlink one latency after its serialisation ends (arrival
//   times are kept monotonic, so bytes stay in order) and is readable once the downlink has
//   serialised it. Each read sends an acknowledgement carrying the new read offset back, one
//   latency later; acknowledgements sent at the same instant merge. The sender takes in the
//   acknowledgements due by now whenever it consults its window; only while the window holds it
//   back does the next acknowledgement get an event of its own (most of the time the window is
//   open and acknowledgements cost no event).
// * Before a chunk leaves, the path (both ways: data and acknowledgements) must be open. If it is
//   cut, the pipe stalls: nothing is lost or skipped, it resumes when the partition heals, and it
//   resets the connection if it stays stalled for StreamConfig::stall_timeout.
// * close() sends a FIN behind the last byte; the reader sees eof once it has read everything.
#pragma once

#include "net/host.hpp"
#include "sim/byte_ring.hpp"
#include "sim/event_queue.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/link.hpp"
#include "sim/ring.hpp"

#include <cstdint>

namespace swarmlab::sim {

class Connection;
class ConnectionSide;
class Host;
class World;
struct StalledTag;

class Pipe : public ListHook<StalledTag> {
 public:
  // Carries the bytes written at connection side `from` to the other side.
  Pipe(Connection& connection, std::uint8_t from);
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe();

  // ---- The writer's end
  std::uint64_t send_buffer_room() const;
  // Appends as many bytes of `buffers` as the send buffer takes; returns how many.
  std::size_t accept(const net::ConstBuffers& buffers);
  // The writer closed: a FIN follows the bytes already written.
  void finish();

  // ---- The reader's end
  std::uint64_t readable_bytes() const { return delivered_offset_ - bytes_.begin_offset(); }
  bool at_eof() const { return fin_delivered_ && readable_bytes() == 0; }
  // Copies up to the readable bytes into `buffers`; returns how many.
  std::size_t read(const net::MutableBuffers& buffers);
  // The reader is gone: forget what arrived (the caller answers with a reset).
  void discard_readable();

  // ---- Whole-pipe state
  // The connection is dead or finished: stop, leave the links, cancel events, drop the bytes.
  void shut_down();
  bool is_shut_down() const { return shut_down_; }
  // A partition healed: resume if the path is open again.
  void recheck_path();

 private:
  class Sender final : public LinkClient {
   public:
    explicit Sender(Pipe& pipe) : pipe_(&pipe) {}
    std::uint32_t link_take(std::uint32_t budget, bool fresh_turn) override;
    bool link_backlogged() const override;
    void link_done(std::uint32_t bytes) override;

   private:
    Pipe* pipe_;
  };
  class Receiver final : public LinkClient {
   public:
    explicit Receiver(Pipe& pipe) : pipe_(&pipe) {}
    std::uint32_t link_take(std::uint32_t budget, bool fresh_turn) override;
    bool link_backlogged() const override { return pipe_->arrived_queued_bytes_ > 0; }
    void link_done(std::uint32_t bytes) override;

   private:
    Pipe* pipe_;
  };
  struct Chunk {
    TimePoint arrival;
    std::uint32_t size_bytes;
    bool fin;
  };
  struct Acknowledgement {
    TimePoint arrival;
    std::uint64_t read_offset;
  };

  ConnectionSide& sender_side() const;
  ConnectionSide& receiver_side() const;
  Host& sender_host() const;
  Host& receiver_host() const;
  World& world() const;
  std::uint64_t write_offset() const { return bytes_.end_offset(); }
  // Bytes the window and the send buffer let go now (acknowledgements due by now counted).
  std::uint64_t sendable_bytes();
  // Acknowledgements are folded in when the sender looks at its window, not each at its own
  // event: an event is scheduled only while the window holds the sender back.
  void absorb_acknowledgements();
  bool window_closed() const;
  void wake_on_acknowledgement();
  bool path_open() const;
  void stall();
  void send_fin_if_ready();
  void push_in_flight(std::uint32_t size_bytes, bool fin);
  void acknowledge_read();

  // At most `budget` bytes, or the rest of what may go when a fresh turn leaves only a runt.
  std::uint32_t take_for_uplink(std::uint32_t budget, bool fresh_turn);
  std::uint32_t take_for_downlink(std::uint32_t budget, bool fresh_turn);
  void chunk_sent(std::uint32_t size_bytes);
  void chunk_arrived();
  void chunk_delivered(std::uint32_t size_bytes);
  void acknowledgement_arrived();
  void stall_expired();

  Connection* connection_;
  std::uint8_t from_;
  ByteRing bytes_;
  std::uint64_t sent_offset_ = 0;
  std::uint64_t delivered_offset_ = 0;
  // The reader's offset as the sender last heard it.
  std::uint64_t acknowledged_read_offset_ = 0;
  // Arrived at the receiver's downlink, not yet serialised through it.
  std::uint64_t arrived_queued_bytes_ = 0;
  std::uint64_t fin_offset_ = 0;
  Ring<Chunk> in_flight_;
  Ring<Acknowledgement> acknowledgements_;
  TimePoint last_arrival_{};
  TimePoint last_acknowledgement_arrival_{};
  bool fin_written_ = false;
  bool fin_sent_ = false;
  bool fin_arrived_ = false;
  bool fin_delivered_ = false;
  bool stalled_ = false;
  bool shut_down_ = false;
  Sender sender_{*this};
  Receiver receiver_{*this};
  MemberEvent<Pipe, &Pipe::chunk_arrived> arrival_event_{*this};
  MemberEvent<Pipe, &Pipe::acknowledgement_arrived> acknowledgement_event_{*this};
  MemberEvent<Pipe, &Pipe::stall_expired> stall_event_{*this};
};

}  // namespace swarmlab::sim
