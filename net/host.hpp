// net::Host: the only door from an actor to the outside world. An actor gets a Host& and reaches
// time, randomness, timers, TCP-like streams and UDP sockets through it and nothing else, so the
// same actor code runs on real sockets (net/real_host.hpp) and in the simulator (sim/).
//
// Every asynchronous operation is an Asio operation: it takes any completion token (use_awaitable,
// as_tuple(use_awaitable), a callback, ...) and honours per-operation cancellation through the
// handler's cancellation slot, so `co_await (stream.async_read_some(...) || timer.async_wait(...))`
// behaves the same in both backends. Backends receive type-erased handlers
// (asio::any_completion_handler) and must complete them through the handler's associated executor,
// never inline from the initiating call.
//
// A handler that would run on the I/O object's own executor anyway (a coroutine on the host's
// executor, the usual case) reaches the backend without an executor association of its own, so
// that Asio falls back to the candidate: backends must pass the I/O object's executor as the
// candidate, as Asio's own objects do (see detail::erase_handler for why).
//
// Boost 1.81: any_completion_handler's move assignment recurses forever. Backends hold pending
// handlers in std::optional and use emplace()/reset(), never assignment.
#pragma once

#include "net/endpoint.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <cassert>
#include <cstddef>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

namespace swarmlab::net {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
template <class T>
using Result = boost::system::result<T, error_code>;

// A copy of (at most the first count_max non-empty buffers of) a caller's buffer sequence, so that
// backends take one concrete type. Read and write "some" may legally use a prefix of the sequence.
template <class Buffer>
struct BufferList {
  static constexpr std::size_t count_max = 16;
  std::array<Buffer, count_max> items{};
  std::size_t count = 0;

  template <class Sequence>
  static BufferList from(const Sequence& sequence) {
    BufferList list;
    auto end = asio::buffer_sequence_end(sequence);
    for (auto it = asio::buffer_sequence_begin(sequence); it != end && list.count < count_max;
         ++it) {
      Buffer buffer(*it);
      if (buffer.size() > 0) list.items[list.count++] = buffer;
    }
    return list;
  }

  const Buffer* begin() const { return items.data(); }
  const Buffer* end() const { return items.data() + count; }
  std::size_t total_size_bytes() const {
    std::size_t total = 0;
    for (const Buffer& buffer : *this)
      total += buffer.size();
    return total;
  }
};
using MutableBuffers = BufferList<asio::mutable_buffer>;
using ConstBuffers = BufferList<asio::const_buffer>;

using IoHandler = asio::any_completion_handler<void(error_code, std::size_t)>;
using WaitHandler = asio::any_completion_handler<void(error_code)>;

namespace detail {

// `Handler` with its executor association removed, every other association (allocator,
// cancellation slot) kept.
template <class Handler>
class OnObjectExecutor {
 public:
  explicit OnObjectExecutor(Handler handler) : handler_(std::move(handler)) {}

  template <class... Results>
  void operator()(Results&&... results) {
    std::move(handler_)(std::forward<Results>(results)...);
  }

  const Handler& handler() const noexcept { return handler_; }

 private:
  Handler handler_;
};

// Type-erases `handler` for a backend. Boost 1.81 turns the associated executor of an
// any_completion_handler into an any_completion_executor on every operation; for a coroutine's
// any_io_executor that is a heap allocation, and the completion is then dispatched through two
// layers of polymorphic executors instead of being invoked directly. When the handler's executor
// is the I/O object's own, dropping the association costs nothing in meaning (the object's
// executor is the candidate) and lets a backend complete it like a plain Asio handler.
template <class Signature, class Handler>
asio::any_completion_handler<Signature> erase_handler(
    Handler handler, const asio::any_io_executor& object_executor) {
  if constexpr (std::is_same_v<asio::associated_executor_t<Handler, asio::any_io_executor>,
                               asio::any_io_executor>) {
    if (asio::get_associated_executor(handler, object_executor) == object_executor)
      return OnObjectExecutor<Handler>(std::move(handler));
  }
  return asio::any_completion_handler<Signature>(std::move(handler));
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Stream: a connected, reliable, in-order byte stream (TCP on real sockets).

class StreamBackend {
 public:
  virtual ~StreamBackend() = default;
  virtual asio::any_io_executor executor() = 0;
  // Completes with at least one byte, or an error (asio::error::eof once the peer has closed and
  // every byte has been read; connection_reset when the path broke; operation_aborted when
  // cancelled or closed locally). Empty buffers complete at once with zero bytes.
  virtual void read_some(MutableBuffers buffers, IoHandler handler) = 0;
  virtual void write_some(ConstBuffers buffers, IoHandler handler) = 0;
  // Without waiting and without suspending the caller: copies what has arrived (at least one byte)
  // into `buffers`, else fails with asio::error::would_block, or with the error a read would
  // complete with (eof once every byte has been read). Never while a read_some is outstanding. A
  // backend that offers no such shortcut keeps the default, which always fails with would_block.
  virtual Result<std::size_t> try_read_some(MutableBuffers buffers);
  // Without waiting and without suspending the caller: takes as many bytes as the stream accepts
  // at once (at least one), else fails with asio::error::would_block, or with the error a write
  // would complete with. Never while a write_some is outstanding. A backend that offers no such
  // shortcut keeps the default, which always fails so, and the caller writes asynchronously.
  virtual Result<std::size_t> try_write_some(ConstBuffers buffers);
  // How many bytes try_write_some would take now, all of them; 0 when the backend cannot tell (the
  // default, and a real socket, whose buffer the kernel keeps) or would take none.
  virtual std::size_t write_room() const { return 0; }
  // Closes both directions; pending operations complete with operation_aborted.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  virtual Endpoint local_endpoint() const = 0;
  virtual Endpoint remote_endpoint() const = 0;
};

class Stream {
 public:
  using executor_type = asio::any_io_executor;

  Stream() = default;
  explicit Stream(std::unique_ptr<StreamBackend> backend) : backend_(std::move(backend)) {}

  executor_type get_executor() const {
    assert(backend_);
    return backend_->executor();
  }

  template <class MutableBufferSequence,
            class Token = asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, StreamBackend* backend, MutableBuffers list) {
          auto executor = backend->executor();
          backend->read_some(list, detail::erase_handler<void(error_code, std::size_t)>(
                                       std::move(handler), executor));
        },
        token, backend_.get(), MutableBuffers::from(buffers));
  }

  template <class ConstBufferSequence,
            class Token = asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, StreamBackend* backend, ConstBuffers list) {
          auto executor = backend->executor();
          backend->write_some(list, detail::erase_handler<void(error_code, std::size_t)>(
                                        std::move(handler), executor));
        },
        token, backend_.get(), ConstBuffers::from(buffers));
  }

  template <class MutableBufferSequence>
  Result<std::size_t> try_read_some(const MutableBufferSequence& buffers) {
    assert(backend_);
    return backend_->try_read_some(MutableBuffers::from(buffers));
  }

  template <class ConstBufferSequence>
  Result<std::size_t> try_write_some(const ConstBufferSequence& buffers) {
    assert(backend_);
    return backend_->try_write_some(ConstBuffers::from(buffers));
  }

  std::size_t write_room() const { return backend_ ? backend_->write_room() : 0; }

  bool is_open() const { return backend_ && backend_->is_open(); }
  void close() {
    if (backend_) backend_->close();
  }
  Endpoint local_endpoint() const { return backend_->local_endpoint(); }
  Endpoint remote_endpoint() const { return backend_->remote_endpoint(); }
  explicit operator bool() const { return backend_ != nullptr; }

 private:
  std::unique_ptr<StreamBackend> backend_;
};

using StreamHandler = asio::any_completion_handler<void(error_code, Stream)>;

// ---------------------------------------------------------------------------------------------
// Listener: accepts incoming streams on a local endpoint.

class ListenerBackend {
 public:
  virtual ~ListenerBackend() = default;
  virtual asio::any_io_executor executor() = 0;
  virtual void accept(StreamHandler handler) = 0;
  virtual void close() = 0;
  virtual Endpoint local_endpoint() const = 0;
};

class Listener {
 public:
  using executor_type = asio::any_io_executor;

  Listener() = default;
  explicit Listener(std::unique_ptr<ListenerBackend> backend) : backend_(std::move(backend)) {}

  executor_type get_executor() const { return backend_->executor(); }

  template <class Token = asio::default_completion_token_t<executor_type>>
  auto async_accept(Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code, Stream)>(
        [](auto handler, ListenerBackend* backend) {
          auto executor = backend->executor();
          backend->accept(
              detail::erase_handler<void(error_code, Stream)>(std::move(handler), executor));
        },
        token, backend_.get());
  }

  void close() {
    if (backend_) backend_->close();
  }
  Endpoint local_endpoint() const { return backend_->local_endpoint(); }

 private:
  std::unique_ptr<ListenerBackend> backend_;
};

// ---------------------------------------------------------------------------------------------
// Datagram: a bound UDP socket.

// One datagram of a batch: to receive, the caller sets `buffer` and the backend fills `peer` (the
// sender) and `size_bytes`; to send, the caller sets all three (`peer` is the target).
struct DatagramSlot {
  asio::mutable_buffer buffer;
  Endpoint peer;
  std::size_t size_bytes = 0;
};

class DatagramBackend {
 public:
  virtual ~DatagramBackend() = default;
  virtual asio::any_io_executor executor() = 0;
  virtual void send_to(ConstBuffers buffers, Endpoint target, IoHandler handler) = 0;
  // `sender` must stay valid until the handler runs, as with Asio's async_receive_from.
  virtual void receive_from(MutableBuffers buffers, Endpoint* sender, IoHandler handler) = 0;
  // Without waiting and without suspending the caller: receive a datagram that has already
  // arrived, or send one that the socket can take at once, else fail with
  // asio::error::would_block. A backend that offers no such shortcut keeps these defaults, which
  // always fail so, and the caller waits through the asynchronous operation instead.
  virtual Result<std::size_t> try_receive_from(MutableBuffers buffers, Endpoint& sender);
  virtual Result<std::size_t> try_send_to(ConstBuffers buffers, const Endpoint& target);
  // The same for several datagrams at once (one system call on real sockets): how many of the
  // slots, from the first, were received or sent; an error only when not even the first was. The
  // defaults call the single-datagram versions in turn.
  virtual Result<std::size_t> try_receive_many(std::span<DatagramSlot> slots);
  virtual Result<std::size_t> try_send_many(std::span<const DatagramSlot> slots);
  virtual void close() = 0;
  virtual Endpoint local_endpoint() const = 0;
};

class Datagram {
 public:
  using executor_type = asio::any_io_executor;

  Datagram() = default;
  explicit Datagram(std::unique_ptr<DatagramBackend> backend) : backend_(std::move(backend)) {}

  executor_type get_executor() const { return backend_->executor(); }

  template <class ConstBufferSequence,
            class Token = asio::default_completion_token_t<executor_type>>
  auto async_send_to(const ConstBufferSequence& buffers, const Endpoint& target,
                     Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, DatagramBackend* backend, ConstBuffers list, Endpoint to) {
          auto executor = backend->executor();
          backend->send_to(
              list, to,
              detail::erase_handler<void(error_code, std::size_t)>(std::move(handler), executor));
        },
        token, backend_.get(), ConstBuffers::from(buffers), target);
  }

  template <class MutableBufferSequence,
            class Token = asio::default_completion_token_t<executor_type>>
  auto async_receive_from(const MutableBufferSequence& buffers, Endpoint& sender,
                          Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, DatagramBackend* backend, MutableBuffers list, Endpoint* from) {
          auto executor = backend->executor();
          backend->receive_from(
              list, from,
              detail::erase_handler<void(error_code, std::size_t)>(std::move(handler), executor));
        },
        token, backend_.get(), MutableBuffers::from(buffers), &sender);
  }

  // Non-blocking receive and send (see DatagramBackend): asio::error::would_block says "use the
  // asynchronous operation". A server drains what has already arrived with these, so that it
  // suspends only when there is nothing to do.
  template <class MutableBufferSequence>
  Result<std::size_t> try_receive_from(const MutableBufferSequence& buffers, Endpoint& sender) {
    assert(backend_);
    return backend_->try_receive_from(MutableBuffers::from(buffers), sender);
  }
  template <class ConstBufferSequence>
  Result<std::size_t> try_send_to(const ConstBufferSequence& buffers, const Endpoint& target) {
    assert(backend_);
    return backend_->try_send_to(ConstBuffers::from(buffers), target);
  }
  Result<std::size_t> try_receive_many(std::span<DatagramSlot> slots) {
    assert(backend_);
    return backend_->try_receive_many(slots);
  }
  Result<std::size_t> try_send_many(std::span<const DatagramSlot> slots) {
    assert(backend_);
    return backend_->try_send_many(slots);
  }

  void close() {
    if (backend_) backend_->close();
  }
  Endpoint local_endpoint() const { return backend_->local_endpoint(); }

 private:
  std::unique_ptr<DatagramBackend> backend_;
};

// ---------------------------------------------------------------------------------------------
// Timer: one pending wait at a time, like a steady_timer used the usual way.

class TimerBackend {
 public:
  virtual ~TimerBackend() = default;
  virtual asio::any_io_executor executor() = 0;
  // Completes with success at `expiry` (at once if it has passed), or operation_aborted.
  virtual void wait(TimePoint expiry, WaitHandler handler) = 0;
  // Completes a pending wait with operation_aborted; returns how many were cancelled.
  virtual std::size_t cancel() = 0;
};

class Timer {
 public:
  using executor_type = asio::any_io_executor;

  Timer() = default;
  Timer(std::unique_ptr<TimerBackend> backend, TimePoint now)
      : backend_(std::move(backend)), expiry_(now) {}

  executor_type get_executor() const { return backend_->executor(); }
  TimePoint expiry() const { return expiry_; }
  // Like steady_timer, setting the expiry cancels a pending wait.
  std::size_t expires_at(TimePoint expiry) {
    expiry_ = expiry;
    return backend_->cancel();
  }
  std::size_t expires_after(Duration duration, TimePoint now) { return expires_at(now + duration); }
  std::size_t cancel() { return backend_->cancel(); }

  template <class Token = asio::default_completion_token_t<executor_type>>
  auto async_wait(Token&& token = Token()) {
    assert(backend_);
    return asio::async_initiate<Token, void(error_code)>(
        [](auto handler, TimerBackend* backend, TimePoint expiry) {
          auto executor = backend->executor();
          backend->wait(expiry,
                        detail::erase_handler<void(error_code)>(std::move(handler), executor));
        },
        token, backend_.get(), expiry_);
  }

 private:
  std::unique_ptr<TimerBackend> backend_;
  TimePoint expiry_{};
};

// ---------------------------------------------------------------------------------------------
// Host

// True when a task's exception says it was cancelled: an operation_aborted system_error, also when
// the awaitable operators (`||`, `&&`) wrapped it in asio::multiple_exceptions. For ExitHandlers.
bool is_cancellation(std::exception_ptr failure);

class Host {
 public:
  using executor_type = asio::any_io_executor;

  // Out of line, like the destructor: Task is complete only in host.cpp.
  Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  virtual ~Host();

  virtual executor_type get_executor() = 0;
  virtual TimePoint now() const = 0;
  // This host's own generator: seeded from (run seed, host id) in the simulator.
  virtual Rng& rng() = 0;
  // The host's own addresses; the first of each family is used as the source of connections.
  virtual std::span<const Address> addresses() const = 0;

  virtual Timer make_timer() = 0;
  // Port 0 picks a free port. An unspecified address listens on all of the host's addresses.
  virtual Result<Listener> listen(const Endpoint& local) = 0;
  virtual Result<Datagram> open_udp(const Endpoint& local) = 0;

  // Completes with a connected Stream, or connection_refused (nothing listens; after one round trip
  // in the simulator), timed_out (the host is unreachable), or operation_aborted (cancelled).
  template <class Token = asio::default_completion_token_t<executor_type>>
  auto async_connect(const Endpoint& remote, Token&& token = Token()) {
    return asio::async_initiate<Token, void(error_code, Stream)>(
        [](auto handler, Host* host, Endpoint target) {
          auto executor = host->get_executor();
          host->connect(target, detail::erase_handler<void(error_code, Stream)>(std::move(handler),
                                                                                executor));
        },
        token, this, remote);
  }

  // Waits for `duration` on a fresh timer; throws on cancellation like any awaited operation.
  asio::awaitable<void> sleep(Duration duration);

  // Runs `task` as one of this host's tasks. cancel_tasks() (a crash, a stop, Ctrl-C) emits
  // terminal cancellation to every task still running. `on_exit` receives the task's exception, or
  // null; without one, an exception other than cancellation is rethrown to whoever runs the
  // executor, so that an actor's bug never goes unseen.
  using ExitHandler = std::function<void(std::exception_ptr)>;
  void spawn(asio::awaitable<void> task, ExitHandler on_exit = {});
  void cancel_tasks();
  std::size_t task_count() const { return tasks_.size(); }

 protected:
  virtual void connect(const Endpoint& remote, StreamHandler handler) = 0;

 private:
  struct Task;
  std::list<std::unique_ptr<Task>> tasks_;
};

}  // namespace swarmlab::net

// OnObjectExecutor keeps its handler's allocator and cancellation slot (and, deliberately, not its
// executor).
template <class Handler, class Allocator>
struct boost::asio::associated_allocator<swarmlab::net::detail::OnObjectExecutor<Handler>,
                                         Allocator> {
  using type = associated_allocator_t<Handler, Allocator>;
  static type get(const swarmlab::net::detail::OnObjectExecutor<Handler>& wrapped,
                  const Allocator& candidate = Allocator()) noexcept {
    return get_associated_allocator(wrapped.handler(), candidate);
  }
};

template <class Handler, class CancellationSlot>
struct boost::asio::associated_cancellation_slot<swarmlab::net::detail::OnObjectExecutor<Handler>,
                                                 CancellationSlot> {
  using type = associated_cancellation_slot_t<Handler, CancellationSlot>;
  static type get(const swarmlab::net::detail::OnObjectExecutor<Handler>& wrapped,
                  const CancellationSlot& candidate = CancellationSlot()) noexcept {
    return get_associated_cancellation_slot(wrapped.handler(), candidate);
  }
};
