// The tracker actor: an HTTP and UDP BitTorrent tracker (BEP 3, 7, 15, 23, 48) on a net::Host, the
// same code in a simulated world and on real sockets.
//
//   co_await run_tracker(host, config, observer);   // serves until cancelled
//
// or, to learn the bound ports before serving (port 0 picks free ones):
//
//   auto server = TrackerServer::open(host, config, observer);   // binds now, errors as values
//   ... (*server)->endpoints() ...
//   host.spawn((*server)->run());
//
// A TrackerServer owns the tracker's state (TrackerCore), its front ends and their sockets, and a
// sweep loop that forgets expired peers every config.sweep_period. It must outlive run(). Part of
// actors/tracker.
#pragma once

#include "actors/tracker/config.hpp"
#include "actors/tracker/http_front_end.hpp"
#include "actors/tracker/tracker_core.hpp"
#include "actors/tracker/udp_front_end.hpp"
#include "net/host.hpp"
#include "record/observer.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <vector>

namespace swarmlab::tracker {

struct TrackerEndpoints {
  std::vector<net::Endpoint> http;
  std::vector<net::Endpoint> udp;
};

class TrackerServer {
  // Lets only open() call the public constructor (std::make_unique needs it public).
  struct OpenKey {
    explicit OpenKey() = default;
  };

 public:
  // Binds the configured listeners and sockets. With no bind address, IPv4 is required and IPv6
  // is added on the same ports when the host has it (and they are free there).
  static net::Result<std::unique_ptr<TrackerServer>> open(net::Host& host, TrackerConfig config,
                                                          record::Observer* observer);
  TrackerServer(OpenKey, net::Host& host, TrackerConfig config, record::Observer* observer);
  TrackerServer(const TrackerServer&) = delete;
  TrackerServer& operator=(const TrackerServer&) = delete;

  const TrackerEndpoints& endpoints() const { return endpoints_; }
  const TrackerCore& core() const { return core_; }
  const TrackerConfig& config() const { return config_; }
  std::size_t http_connection_count() const { return http_.connection_count(); }

  // Serves until cancelled; returns only once every connection has finished.
  boost::asio::awaitable<void> run();

 private:
  net::error_code bind(net::Address address);
  boost::asio::awaitable<void> sweep_loop();

  net::Host& host_;
  TrackerConfig config_;
  TrackerCore core_;
  HttpFrontEnd http_;
  UdpFrontEnd udp_;
  TrackerEndpoints endpoints_;
};

// Opens a TrackerServer and runs it; a bind failure is thrown as boost::system::system_error.
boost::asio::awaitable<void> run_tracker(net::Host& host, TrackerConfig config,
                                         record::Observer* observer);

}  // namespace swarmlab::tracker
