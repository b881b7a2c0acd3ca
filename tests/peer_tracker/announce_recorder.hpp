// An observer that keeps the announces both sides report: the tracker client's attempts
// (on_announce) and the tracker's served requests (on_tracker_request), with their times.
#pragma once

#include "record/observer.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace swarmlab::peer_tracker_test {

class AnnounceRecorder final : public record::Observer {
 public:
  struct ClientAnnounce {
    net::TimePoint time{};
    record::ActorId self = 0;
    std::string url;
    record::AnnounceEvent event = record::AnnounceEvent::none;
    bool succeeded = false;
    std::size_t peers = 0;
  };
  struct ServedAnnounce {
    net::TimePoint time{};
    protocol::PeerAddress from;
    record::AnnounceEvent event = record::AnnounceEvent::none;
  };

  void on_announce(net::TimePoint time, record::ActorId self, std::string_view url,
                   record::AnnounceEvent event, bool succeeded, std::size_t peers) override {
    client.push_back({time, self, std::string(url), event, succeeded, peers});
  }
  void on_tracker_request(net::TimePoint time, record::ActorId, record::TrackerRequest kind,
                          const protocol::PeerAddress& from, const protocol::InfoHash&,
                          record::AnnounceEvent event) override {
    if (kind == record::TrackerRequest::announce) served.push_back({time, from, event});
  }

  std::size_t served_with(record::AnnounceEvent event) const {
    std::size_t count = 0;
    for (const ServedAnnounce& announce : served)
      count += announce.event == event ? 1 : 0;
    return count;
  }
  std::vector<ClientAnnounce> client_announces_of(record::ActorId self) const {
    std::vector<ClientAnnounce> found;
    for (const ClientAnnounce& announce : client) {
      if (announce.self == self) found.push_back(announce);
    }
    return found;
  }

  std::vector<ClientAnnounce> client;
  std::vector<ServedAnnounce> served;
};

}  // namespace swarmlab::peer_tracker_test
