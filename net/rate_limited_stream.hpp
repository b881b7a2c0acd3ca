// RateLimitedStream: a StreamBackend that holds another one to its host's upload and download
// rates. Real hosts have no access-link model; when a scenario runs on real sockets, these limits
// stand in for the link capacities of the simulated world.
//
// Reads take download credit before reading (at most what is granted, the rest given back), so a
// limited reader leaves bytes in the kernel and TCP flow control slows the sender; writes take
// upload credit before writing. Without credit an operation waits on a timer first, and that wait
// honours the caller's cancellation slot like any other operation. Internal to net/.
#pragma once

#include "net/real_sockets.hpp"
#include "net/token_bucket.hpp"

#include <memory>
#include <optional>

namespace swarmlab::net {

// One bucket per direction, shared by every stream of a host.
struct StreamRateLimits {
  std::optional<TokenBucket> upload;
  std::optional<TokenBucket> download;

  bool any() const { return upload.has_value() || download.has_value(); }
};

class RateLimitedStream final : public StreamBackend {
 public:
  RateLimitedStream(std::unique_ptr<StreamBackend> inner, const IoExecutor& executor,
                    std::shared_ptr<StreamRateLimits> limits);
  ~RateLimitedStream() override;

  asio::any_io_executor executor() override { return inner_->executor(); }
  void read_some(MutableBuffers buffers, IoHandler handler) override;
  void write_some(ConstBuffers buffers, IoHandler handler) override;
  void close() override;
  bool is_open() const override { return inner_->is_open(); }
  Endpoint local_endpoint() const override { return inner_->local_endpoint(); }
  Endpoint remote_endpoint() const override { return inner_->remote_endpoint(); }

 private:
  // A direction's bucket and the timer an operation waits on when the bucket is empty.
  struct Direction {
    TokenBucket& bucket;
    SteadyTimer timer;
  };

  template <class Buffers>
  void transfer(Direction& direction, Buffers buffers, IoHandler handler);
  template <class Buffers>
  void wait_then_transfer(Direction& direction, Buffers buffers, IoHandler handler,
                          TimePoint ready);
  void forward(MutableBuffers buffers, IoHandler handler);
  void forward(ConstBuffers buffers, IoHandler handler);

  std::unique_ptr<StreamBackend> inner_;
  std::shared_ptr<StreamRateLimits> limits_;
  std::optional<Direction> upload_;
  std::optional<Direction> download_;
  // Lets a timer completion already queued when the stream died see that it did (its weak_ptr
  // expires with the stream).
  std::shared_ptr<RateLimitedStream*> self_;
};

}  // namespace swarmlab::net
