// HttpFrontEnd: the tracker's HTTP side on net::Host streams. It accepts connections on one or two
// listeners (IPv4, IPv6), reads requests with Beast (size-limited: limits::http_header_size_max
// for the request line and headers, no body), lets HttpRequestHandler answer, and writes the reply,
// keeping the connection alive while the client asks it to. Part of actors/tracker.
//
// Each connection runs two coroutines joined with `||`: the request loop and a watchdog that
// closes the stream once the connection's deadline passes (limits::http_idle_timeout waiting for a
// request, limits::http_write_timeout writing a reply). Closing, rather than cancelling, ends a
// pending Beast operation whatever it is doing. A request that cannot be read gets its error reply,
// then the connection lingers (limits::http_linger_*) so the client can read that reply. At most
// http_connection_count_max connections are open at once; a connection beyond that is accepted and
// closed at once.
//
// Connections run as host tasks and use this object, so run() does not return before every
// connection has finished: when it is cancelled it closes them all and waits for them to unwind.
#pragma once

#include "actors/tracker/http_request_handler.hpp"
#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <list>
#include <optional>
#include <vector>

namespace swarmlab::tracker {

class HttpFrontEnd {
 public:
  HttpFrontEnd(net::Host& host, TrackerCore& core);
  HttpFrontEnd(const HttpFrontEnd&) = delete;
  HttpFrontEnd& operator=(const HttpFrontEnd&) = delete;
  ~HttpFrontEnd();

  void add_listener(net::Listener listener);
  std::vector<net::Endpoint> endpoints() const;
  std::size_t connection_count() const { return open_streams_.size(); }

  // Serves until cancelled (or until every listener fails).
  boost::asio::awaitable<void> run();

 private:
  struct Connection;
  boost::asio::awaitable<void> accept_loop(net::Listener& listener);
  void start_connection(net::Stream stream);
  boost::asio::awaitable<void> serve(net::Stream stream);
  boost::asio::awaitable<void> exchange_requests(Connection& connection);
  boost::asio::awaitable<void> linger(Connection& connection);
  boost::asio::awaitable<void> watchdog(Connection& connection);
  boost::asio::awaitable<void> close_all_and_wait();

  net::Host& host_;
  TrackerCore& core_;
  HttpRequestHandler handler_;
  std::vector<net::Listener> listeners_;
  // The streams of open connections, so that stopping can close them. Each connection removes its
  // own entry when it ends.
  std::list<net::Stream*> open_streams_;
  // Connections started and not yet finished (their tasks may outlive their stream's entry).
  std::size_t running_count_ = 0;
  // Woken when running_count_ drops to zero while run() waits for it.
  std::optional<net::Timer> drained_;
};

}  // namespace swarmlab::tracker
