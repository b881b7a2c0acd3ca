#include "net/real_host.hpp"

#include "net/adapted_handler.hpp"
#include "net/rate_limited_stream.hpp"
#include "net/real_sockets.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include <netinet/in.h>

#include <algorithm>
#include <optional>
#include <random>

namespace swarmlab::net {

namespace {

// Linux's IP_BIND_ADDRESS_NO_PORT: binding an outgoing socket to its source address reserves no
// port; the port is picked at connect() time for that destination, so a host's address is not
// limited to one ephemeral port range for all its connections together.
class BindAddressNoPort {
 public:
  template <class Protocol>
  int level(const Protocol&) const {
    return IPPROTO_IP;
  }
  template <class Protocol>
  int name(const Protocol&) const {
    return IP_BIND_ADDRESS_NO_PORT;
  }
  template <class Protocol>
  const void* data(const Protocol&) const {
    return &enabled_;
  }
  template <class Protocol>
  std::size_t size(const Protocol&) const {
    return sizeof(enabled_);
  }

 private:
  int enabled_ = 1;
};

// Completes `handler` with `error` from the io_context, never inline from the initiating call.
void post_failure(asio::io_context& io_context, StreamHandler handler, error_code error) {
  assert(error);
  asio::post(io_context, AdaptedHandler(std::move(handler), [error](StreamHandler caller) {
               std::move(caller)(error, Stream());
             }));
}

// A limited direction may send this much at once after a pause: a tenth of a second's worth, and
// never less than one BitTorrent block.
constexpr auto rate_burst_duration = std::chrono::milliseconds(100);
constexpr std::uint64_t rate_burst_bytes_min = 16 * 1024;

std::optional<TokenBucket> make_bucket(std::uint64_t rate_bytes_per_second, TimePoint now) {
  if (rate_bytes_per_second == 0) return std::nullopt;
  const std::uint64_t burst_bytes =
      std::max(rate_burst_bytes_min, rate_bytes_per_second * rate_burst_duration.count() / 1000);
  return TokenBucket(rate_bytes_per_second, burst_bytes, now);
}

std::uint64_t entropy_seed() {
  std::random_device entropy;
  return (std::uint64_t{entropy()} << 32) | entropy();
}

}  // namespace

RealHost::RealHost(asio::io_context& io_context, RealHostOptions options)
    : io_context_(io_context),
      options_(std::move(options)),
      rng_(options_.seed ? *options_.seed : entropy_seed()) {
  for (const Address& address : options_.addresses)
    assert(!address.is_unspecified());
  auto limits = std::make_shared<StreamRateLimits>(
      StreamRateLimits{.upload = make_bucket(options_.upload_rate_bytes_per_second, now()),
                       .download = make_bucket(options_.download_rate_bytes_per_second, now())});
  if (limits->any()) rate_limits_ = std::move(limits);
}

RealHost::~RealHost() {
  assert(task_count() == 0);
}

Host::executor_type RealHost::get_executor() {
  return io_context_.get_executor();
}

TimePoint RealHost::now() const {
  return from_steady(std::chrono::steady_clock::now());
}

Timer RealHost::make_timer() {
  return Timer(std::make_unique<RealTimer>(io_context_.get_executor()), now());
}

const Address* RealHost::source_address(const Address& family) const {
  for (const Address& address : options_.addresses)
    if (address.is_v4() == family.is_v4()) return &address;
  return nullptr;
}

Address RealHost::bind_address(const Address& requested) const {
  if (!requested.is_unspecified()) return requested;
  const Address* own = source_address(requested);
  return own ? *own : requested;
}

Result<Listener> RealHost::listen(const Endpoint& local) {
  const asio::ip::tcp::endpoint endpoint(bind_address(local.address), local.port);
  TcpAcceptor acceptor(io_context_.get_executor());
  error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return error;
  return Listener(std::make_unique<RealListener>(std::move(acceptor), rate_limits_));
}

Result<Datagram> RealHost::open_udp(const Endpoint& local) {
  const asio::ip::udp::endpoint endpoint(bind_address(local.address), local.port);
  UdpSocket socket(io_context_.get_executor());
  error_code error;
  socket.open(endpoint.protocol(), error);
  if (!error && endpoint.address().is_v6()) socket.set_option(asio::ip::v6_only(true), error);
  if (!error) socket.bind(endpoint, error);
  if (!error) socket.non_blocking(true, error);
  if (error) return error;
  return Datagram(std::make_unique<RealDatagram>(std::move(socket)));
}

void RealHost::connect(const Endpoint& remote, StreamHandler handler) {
  // The socket lives on the heap, owned by the handler, so it stays put while the connect is
  // pending and dies with the handler if the connect fails or is cancelled.
  auto socket = std::make_unique<TcpSocket>(io_context_.get_executor());
  const auto target = to_tcp(remote);
  error_code error;
  socket->open(target.protocol(), error);
  if (error) return post_failure(io_context_, std::move(handler), error);
  if (const Address* source = source_address(remote.address)) {
    error_code ignored;  // An optimisation only: older kernels lack it.
    socket->set_option(BindAddressNoPort(), ignored);
    socket->bind(asio::ip::tcp::endpoint(*source, 0), error);
    if (error) return post_failure(io_context_, std::move(handler), error);
  } else if (!options_.addresses.empty()) {
    // A host given its addresses connects from them only (`--bind`): none of this family.
    return post_failure(io_context_, std::move(handler), asio::error::address_family_not_supported);
  }
  TcpSocket& pending = *socket;
  start_operation(pending.get_executor(), std::move(handler), [&](auto ready) {
    pending.async_connect(
        target,
        AdaptedHandler(std::move(ready), [socket = std::move(socket), limits = rate_limits_](
                                             auto caller, error_code result) {
          if (result) {
            std::move(caller)(result, Stream());
            return;
          }
          std::move(caller)(result, make_real_stream(std::move(*socket), limits));
        }));
  });
}

}  // namespace swarmlab::net
