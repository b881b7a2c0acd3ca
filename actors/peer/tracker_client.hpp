// TrackerClient: announces one torrent to its trackers (BEP 3 HTTP, BEP 15 UDP) and hands the peers
// they return to the torrent. Part of actors/peer.
//
// Tiers (BEP 12): a list of lists of announce URLs. Each tier is shuffled once with the host's
// generator; an announce tries the tiers in order and the URLs of a tier in order, and the URL
// that answers moves to the front of its tier. Unlike BEP 12, and like libtorrent, the URL that
// answered last is asked first in every round, whatever its tier; and with more than one URL a
// silent UDP tracker is given up after options.udp_retransmissions_with_alternatives
// retransmissions rather than BEP 15's eight.
//
// Schedule: `started` once the torrent has checked its existing data (so that `left` is true);
// then a regular announce every `interval` the tracker gave (never sooner than its
// `min interval`); `completed` once, at once, when the torrent becomes complete after having
// started incomplete (at the latest just before `stopped`); `stopped` when stop() is called,
// both bounded by options.stopped_timeout so that a shutdown never hangs on a dead tracker. A round
// in which every tracker failed is retried after a delay that doubles from retry_delay_min up to
// retry_delay_max. uploaded / downloaded / left come from the torrent's counters and
// bytes_left(), port from listen_port(). Every announce (one URL, one attempt) is reported to the
// session's observer through on_announce.
//
// Use:
//   peer::TrackerClient client(torrent, {{"http://10.0.0.1:6969/announce"}}, {});
//   client.start();      // spawns run() on the torrent's host
//   ...
//   client.stop();       // announces `stopped`; run() ends within options.stopped_timeout
//   ... run the executor until client.running() is false ...
//
// Lifetime: the client must outlive its run() task (stop() it and let run() end, or cancel the
// host's tasks and run the executor until idle, before destroying it), and the torrent must
// outlive the client. The torrent's state listener the client registers holds only a weak
// reference, so a destroyed client is never called.
#pragma once

#include "actors/peer/torrent.hpp"
#include "actors/peer/tracker_client_options.hpp"
#include "actors/peer/udp_announce.hpp"
#include "net/host.hpp"
#include "record/observer.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::peer {

// The outcome of one announce to one tracker URL.
struct AnnounceOutcome {
  std::string tracker_url{};
  record::AnnounceEvent event = record::AnnounceEvent::none;
  bool succeeded = false;
  // Why it failed: the tracker's failure reason, or a transport error ("timed out", ...).
  std::string error{};
  // The tracker's warning message, when it answered with one.
  std::string warning{};
  std::size_t peer_count = 0;
  std::optional<std::uint32_t> seeders{};
  std::optional<std::uint32_t> leechers{};
  // The tracker's interval and min interval (successes only).
  net::Duration interval{};
  std::optional<net::Duration> min_interval{};
  net::TimePoint at{};
};

class TrackerClient {
 public:
  using Tiers = std::vector<std::vector<std::string>>;

  TrackerClient(Torrent& torrent, Tiers tiers, TrackerClientOptions options = {});
  TrackerClient(const TrackerClient&) = delete;
  TrackerClient& operator=(const TrackerClient&) = delete;
  ~TrackerClient();

  // Spawns run() as one of the host's tasks.
  void start();
  // Announces `started`, then keeps announcing until stop(); returns after the `stopped`
  // announce (or its timeout). Cancellation ends it at once, without `stopped`.
  boost::asio::awaitable<void> run();
  // Asks run() to send `stopped` and end. Harmless when not running.
  void stop();
  // Asks for a regular announce as soon as the tracker's min interval allows (e.g. few peers).
  void announce_soon();

  bool running() const { return running_; }
  // The tiers in their current order (shuffled, answering URLs first).
  const Tiers& tiers() const { return tiers_; }
  // The last announce attempt (one URL), and the last that succeeded.
  const std::optional<AnnounceOutcome>& last_outcome() const { return last_outcome_; }
  const std::optional<AnnounceOutcome>& last_success() const { return last_success_; }
  // Announce attempts so far (one per URL tried), and those that succeeded.
  std::size_t announce_count() const { return announce_count_; }
  std::size_t success_count() const { return success_count_; }
  // Consecutive rounds in which no tracker answered.
  std::int32_t failed_rounds() const { return failed_rounds_; }
  // When the next regular announce is due (none before the first round or after stop).
  std::optional<net::TimePoint> next_announce_at() const { return next_announce_at_; }

 private:
  // One round: the tiers in order until a tracker answers; whether one did.
  boost::asio::awaitable<bool> announce_round(record::AnnounceEvent event);
  // A round that stop() interrupts (false then).
  boost::asio::awaitable<bool> announce_round_until_stopped(record::AnnounceEvent event);
  boost::asio::awaitable<AnnounceOutcome> announce_to(const std::string& url,
                                                      record::AnnounceEvent event);
  boost::asio::awaitable<TrackerReply> request(const std::string& url, record::AnnounceEvent event);
  // Waits until the next announce is due, an event is pending (completion), or stop().
  boost::asio::awaitable<void> wait_for_next(record::AnnounceEvent event);
  boost::asio::awaitable<void> send_stopped();
  // `completed` if still due, then `stopped` (send_stopped bounds both).
  boost::asio::awaitable<void> final_announces();
  void on_state(TorrentState state);
  void note(const AnnounceOutcome& outcome);

  Torrent& torrent_;
  net::Host& host_;
  Tiers tiers_;
  TrackerClientOptions options_;
  // Random per client (BEP 7's key), so a tracker recognises us across address changes.
  std::uint32_t key_ = 0;
  // The `tracker id` each HTTP tracker gave, echoed back to it.
  std::map<std::string, std::string> tracker_ids_;
  UdpConnectionIds udp_connection_ids_;
  std::shared_ptr<TrackerClient*> self_;
  net::Timer wake_timer_;
  net::Timer stop_timer_;
  bool running_ = false;
  bool stop_requested_ = false;
  bool awaiting_check_ = false;
  bool completed_pending_ = false;
  bool completed_sent_ = false;
  bool soon_requested_ = false;
  bool started_acknowledged_ = false;
  // The URL that answered the last successful round (asked first in every round).
  std::string answered_url_;
  std::optional<AnnounceOutcome> last_outcome_;
  std::optional<AnnounceOutcome> last_success_;
  std::size_t announce_count_ = 0;
  std::size_t success_count_ = 0;
  std::int32_t failed_rounds_ = 0;
  std::optional<net::TimePoint> next_announce_at_;
  std::optional<net::TimePoint> last_announce_at_;
};

}  // namespace swarmlab::peer
