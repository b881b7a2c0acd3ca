#include "net/rate_limited_stream.hpp"

#include "net/adapted_handler.hpp"

#include <chrono>

namespace swarmlab::net {

namespace {

TimePoint steady_now() {
  return from_steady(std::chrono::steady_clock::now());
}

// The longest prefix of `buffers` that holds at most `size_bytes` bytes.
template <class Buffers>
Buffers truncated(const Buffers& buffers, std::size_t size_bytes) {
  Buffers prefix;
  for (const auto& buffer : buffers) {
    if (size_bytes == 0) break;
    const std::size_t part = std::min(size_bytes, buffer.size());
    prefix.items[prefix.count++] = asio::buffer(buffer, part);
    size_bytes -= part;
  }
  return prefix;
}

}  // namespace

RateLimitedStream::RateLimitedStream(std::unique_ptr<StreamBackend> inner,
                                     const IoExecutor& executor,
                                     std::shared_ptr<StreamRateLimits> limits)
    : inner_(std::move(inner)),
      limits_(std::move(limits)),
      self_(std::make_shared<RateLimitedStream*>(this)) {
  assert(inner_);
  assert(limits_ && limits_->any());
  if (limits_->upload) upload_.emplace(Direction{*limits_->upload, SteadyTimer(executor)});
  if (limits_->download) download_.emplace(Direction{*limits_->download, SteadyTimer(executor)});
}

RateLimitedStream::~RateLimitedStream() = default;

void RateLimitedStream::read_some(MutableBuffers buffers, IoHandler handler) {
  if (!download_) return forward(buffers, std::move(handler));
  transfer(*download_, buffers, std::move(handler));
}

void RateLimitedStream::write_some(ConstBuffers buffers, IoHandler handler) {
  if (!upload_) return forward(buffers, std::move(handler));
  transfer(*upload_, buffers, std::move(handler));
}

void RateLimitedStream::forward(MutableBuffers buffers, IoHandler handler) {
  inner_->read_some(buffers, std::move(handler));
}

void RateLimitedStream::forward(ConstBuffers buffers, IoHandler handler) {
  inner_->write_some(buffers, std::move(handler));
}

void RateLimitedStream::close() {
  if (upload_) upload_->timer.cancel();
  if (download_) download_->timer.cancel();
  inner_->close();
}

template <class Buffers>
void RateLimitedStream::transfer(Direction& direction, Buffers buffers, IoHandler handler) {
  const std::size_t wanted = buffers.total_size_bytes();
  if (wanted == 0 || !inner_->is_open()) return forward(buffers, std::move(handler));
  const TimePoint now = steady_now();
  const std::size_t granted = direction.bucket.take(wanted, now);
  if (granted == 0)
    return wait_then_transfer(direction, buffers, std::move(handler),
                              direction.bucket.ready_at(wanted, now));
  assert(granted <= wanted);
  // The bucket lives in limits_, which the completion keeps alive.
  forward(truncated(buffers, granted),
          IoHandler(AdaptedHandler(std::move(handler),
                                   [limits = limits_, &bucket = direction.bucket, granted](
                                       auto caller, error_code error, std::size_t size_bytes) {
                                     assert(size_bytes <= granted);
                                     bucket.give_back(granted - size_bytes);
                                     std::move(caller)(error, size_bytes);
                                   })));
}

template <class Buffers>
void RateLimitedStream::wait_then_transfer(Direction& direction, Buffers buffers, IoHandler handler,
                                           TimePoint ready) {
  direction.timer.expires_at(to_steady(ready));
  start_operation(direction.timer.get_executor(), std::move(handler), [&](auto waiting) {
    direction.timer.async_wait(AdaptedHandler(
        std::move(waiting),
        [self = std::weak_ptr(self_), &direction, buffers](auto caller, error_code error) {
          // A wait that ended just before the stream was closed or destroyed must not go on.
          const auto alive = self.lock();
          if (!error && (!alive || !(*alive)->inner_->is_open()))
            error = asio::error::operation_aborted;
          if (error) {
            std::move(caller)(error, std::size_t{0});
            return;
          }
          (*alive)->transfer(direction, buffers, IoHandler(std::move(caller)));
        }));
  });
}

}  // namespace swarmlab::net
