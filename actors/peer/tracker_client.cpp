#include "actors/peer/tracker_client.hpp"

#include "actors/peer/announce_schedule.hpp"
#include "actors/peer/tracker_request.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <variant>

namespace swarmlab::peer {

namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using record::AnnounceEvent;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Clears `running` however run() ends (return, cancellation).
struct RunningFlag {
  bool& running;
  explicit RunningFlag(bool& flag) : running(flag) { running = true; }
  ~RunningFlag() { running = false; }
  RunningFlag(const RunningFlag&) = delete;
  RunningFlag& operator=(const RunningFlag&) = delete;
};

}  // namespace

TrackerClient::TrackerClient(Torrent& torrent, Tiers tiers, TrackerClientOptions options)
    : torrent_(torrent),
      host_(torrent.session().host),
      tiers_(std::move(tiers)),
      options_(std::move(options)),
      key_(static_cast<std::uint32_t>(host_.rng()())),
      self_(std::make_shared<TrackerClient*>(this)),
      wake_timer_(host_.make_timer()),
      stop_timer_(host_.make_timer()) {
  std::erase_if(tiers_, [](const std::vector<std::string>& tier) { return tier.empty(); });
  std::size_t url_count = 0;
  for (auto& tier : tiers_) {
    host_.rng().shuffle(std::span(tier));
    url_count += tier.size();
  }
  if (url_count > 1) {
    options_.udp_retransmissions_max =
        std::min(options_.udp_retransmissions_max, options_.udp_retransmissions_with_alternatives);
  }
  std::weak_ptr<TrackerClient*> weak = self_;
  torrent_.add_state_listener([weak](TorrentState state) {
    if (const auto self = weak.lock()) (*self)->on_state(state);
  });
}

TrackerClient::~TrackerClient() = default;

void TrackerClient::start() {
  host_.spawn(run());
}

void TrackerClient::stop() {
  stop_requested_ = true;
  wake_timer_.cancel();
  stop_timer_.cancel();
}

void TrackerClient::announce_soon() {
  soon_requested_ = true;
  wake_timer_.cancel();
}

void TrackerClient::on_state(TorrentState state) {
  // The first announce waits for the check of existing data (its `left` depends on it).
  if (awaiting_check_ && state != TorrentState::checking) wake_timer_.cancel();
  // Only a download that happened here is a completion; a torrent found complete on disk is not.
  if (state != TorrentState::seeding || completed_sent_) return;
  if (torrent_.counters().payload_downloaded_bytes == 0) return;
  completed_pending_ = true;
  wake_timer_.cancel();
}

asio::awaitable<void> TrackerClient::run() {
  assert(!running_);
  const RunningFlag running(running_);
  // As libtorrent does: `started` says how much is left, which the check of existing data tells.
  while (torrent_.state() == TorrentState::checking && !stop_requested_) {
    awaiting_check_ = true;
    wake_timer_.expires_at(net::time_max);
    co_await wake_timer_.async_wait(use_tuple);
  }
  awaiting_check_ = false;
  AnnounceEvent event = AnnounceEvent::started;
  while (!stop_requested_) {
    if (event == AnnounceEvent::none && completed_pending_) event = AnnounceEvent::completed;
    soon_requested_ = false;
    const bool answered = co_await announce_round_until_stopped(event);
    if (stop_requested_) break;
    if (answered) {
      failed_rounds_ = 0;
      if (event == AnnounceEvent::started) started_acknowledged_ = true;
      if (event == AnnounceEvent::completed) {
        completed_sent_ = true;
        completed_pending_ = false;
      }
      event = AnnounceEvent::none;
      const AnnounceOutcome& success = *last_success_;
      next_announce_at_ =
          host_.now() +
          std::max(success.interval, success.min_interval.value_or(net::Duration::zero()));
    } else {
      ++failed_rounds_;
      next_announce_at_ = host_.now() + retry_delay(failed_rounds_, options_);
    }
    co_await wait_for_next(event);
  }
  next_announce_at_.reset();
  if (started_acknowledged_) co_await send_stopped();
}

asio::awaitable<void> TrackerClient::wait_for_next(AnnounceEvent event) {
  while (!stop_requested_) {
    if (event == AnnounceEvent::none && completed_pending_) co_return;
    assert(next_announce_at_);
    net::TimePoint due = *next_announce_at_;
    if (soon_requested_ && last_announce_at_) {
      const net::Duration min_interval =
          last_success_ && last_success_->min_interval
              ? std::max(*last_success_->min_interval, options_.interval_floor)
              : options_.interval_floor;
      due = std::min(due, *last_announce_at_ + min_interval);
    }
    if (host_.now() >= due) co_return;
    wake_timer_.expires_at(due);
    co_await wake_timer_.async_wait(use_tuple);
  }
}

asio::awaitable<bool> TrackerClient::announce_round_until_stopped(AnnounceEvent event) {
  if (stop_requested_) co_return false;
  stop_timer_.expires_at(net::time_max);
  auto outcome = co_await (announce_round(event) || stop_timer_.async_wait(use_tuple));
  co_return outcome.index() == 0 && std::get<0>(outcome);
}

asio::awaitable<void> TrackerClient::send_stopped() {
  net::Timer timer = host_.make_timer();
  timer.expires_at(host_.now() + options_.stopped_timeout);
  co_await (final_announces() || timer.async_wait(use_tuple));
}

asio::awaitable<void> TrackerClient::final_announces() {
  // A completion not announced yet (a download that stops as soon as it completes) goes out
  // first, so that the tracker counts it (BEP 3: `completed` when the download completes).
  if (completed_pending_ && !completed_sent_) {
    // Not inside the condition: GCC 12 miscompiles co_await in a short-circuit operand.
    const bool answered = co_await announce_round(AnnounceEvent::completed);
    if (answered) {
      completed_sent_ = true;
      completed_pending_ = false;
    }
  }
  co_await announce_round(AnnounceEvent::stopped);
}

asio::awaitable<bool> TrackerClient::announce_round(AnnounceEvent event) {
  last_announce_at_ = host_.now();
  // The tracker that answered last is asked first, wherever its tier: a dead first tier then
  // costs one timeout when the client starts, not one per announce (least of all `stopped`'s, in
  // its 5 s), and the tracker that holds our entry hears `completed` and `stopped`.
  const std::string first = answered_url_;
  if (!first.empty()) {
    AnnounceOutcome outcome = co_await announce_to(first, event);
    note(outcome);
    if (outcome.succeeded) co_return true;
  }
  for (auto& tier : tiers_) {
    for (std::size_t position = 0; position < tier.size(); ++position) {
      const std::string url = tier[position];
      if (url == first) continue;
      AnnounceOutcome outcome = co_await announce_to(url, event);
      note(outcome);
      if (!outcome.succeeded) continue;
      // BEP 12: the tracker that answered is tried first in its tier from now on.
      std::rotate(tier.begin(), tier.begin() + static_cast<std::ptrdiff_t>(position),
                  tier.begin() + static_cast<std::ptrdiff_t>(position) + 1);
      answered_url_ = url;
      co_return true;
    }
  }
  co_return false;
}

asio::awaitable<AnnounceOutcome> TrackerClient::announce_to(const std::string& url,
                                                            AnnounceEvent event) {
  TrackerReply reply = co_await request(url, event);
  AnnounceOutcome outcome{.tracker_url = url, .event = event, .at = host_.now()};
  if (!reply.succeeded()) {
    outcome.error = std::move(reply.error);
    co_return outcome;
  }
  outcome.succeeded = true;
  outcome.warning = std::move(reply.warning);
  outcome.peer_count = reply.peers.size();
  outcome.seeders = reply.seeders;
  outcome.leechers = reply.leechers;
  outcome.interval = regular_interval(reply.interval_seconds, reply.min_interval_seconds, options_);
  if (reply.min_interval_seconds)
    outcome.min_interval = std::chrono::seconds(*reply.min_interval_seconds);
  if (reply.tracker_id) tracker_ids_[url] = *reply.tracker_id;
  if (event != AnnounceEvent::stopped && !reply.peers.empty()) torrent_.add_peers(reply.peers);
  co_return outcome;
}

asio::awaitable<TrackerReply> TrackerClient::request(const std::string& url, AnnounceEvent event) {
  const TransferCounters& counters = torrent_.counters();
  AnnounceParams params{
      .info_hash = torrent_.info_hash(),
      .peer_id = torrent_.session().peer_id,
      .port = torrent_.listen_port(),
      .uploaded_bytes = counters.payload_uploaded_bytes,
      .downloaded_bytes = counters.payload_downloaded_bytes,
      .left_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(torrent_.bytes_left(), 0)),
      .event = event,
      .key = key_,
      .tracker_id = std::nullopt};
  if (const auto found = tracker_ids_.find(url); found != tracker_ids_.end())
    params.tracker_id = found->second;
  co_return co_await announce_to_url(host_, url, params, options_, udp_connection_ids_);
}

void TrackerClient::note(const AnnounceOutcome& outcome) {
  ++announce_count_;
  if (outcome.succeeded) {
    ++success_count_;
    last_success_ = outcome;
  }
  last_outcome_ = outcome;
  const SessionContext& session = torrent_.session();
  if (session.observer) {
    session.observer->on_announce(outcome.at, session.actor_id, outcome.tracker_url, outcome.event,
                                  outcome.succeeded, outcome.peer_count);
  }
}

}  // namespace swarmlab::peer
