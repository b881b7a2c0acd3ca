// `swarmlab info FILE.torrent|MAGNET [--json]`: describes a torrent file or a magnet link.
#include "apps/commands.hpp"
#include "apps/json_text.hpp"
#include "net/file_io.hpp"
#include "protocol/magnet.hpp"
#include "protocol/metainfo.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace swarmlab::apps {
namespace {

struct InfoArguments {
  std::string input;
  bool json = false;
};

// "1.5 MiB"-style sizes for people; the exact byte count is printed beside it.
std::string human_size(std::int64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

// Names, paths and URLs come from the file or the link: control bytes (a newline, a NUL, an
// escape sequence) are shown as \xNN, and a backslash as \\, so that one line stays one line and
// nothing reaches the terminal as a command.
std::string shown(std::string_view bytes) {
  std::string text;
  text.reserve(bytes.size());
  for (const char byte : bytes) {
    const auto code = static_cast<unsigned char>(byte);
    if (code < 0x20 || code == 0x7f) {
      text += fmt::format("\\x{:02x}", code);
    } else if (byte == '\\') {
      text += "\\\\";
    } else {
      text += byte;
    }
  }
  return text;
}

void print_text(const protocol::Metainfo& metainfo) {
  fmt::print("name: {}\n", shown(metainfo.name));
  fmt::print("info-hash: {}\n", protocol::to_hex(metainfo.info_hash));
  fmt::print("piece length: {}\n", metainfo.piece_length);
  fmt::print("piece count: {}\n", metainfo.piece_count());
  fmt::print("total size: {} ({})\n", metainfo.total_size_bytes,
             human_size(metainfo.total_size_bytes));
  fmt::print("private: {}\n", metainfo.is_private ? "yes" : "no");
  if (metainfo.is_hybrid) fmt::print("hybrid: v1 + v2 (loaded as v1)\n");
  for (std::size_t tier = 0; tier < metainfo.tracker_tiers.size(); ++tier) {
    for (const std::string& url : metainfo.tracker_tiers[tier]) {
      fmt::print("tracker (tier {}): {}\n", tier, shown(url));
    }
  }
  for (const std::string& url : metainfo.url_list)
    fmt::print("web seed: {}\n", shown(url));
  if (!metainfo.comment.empty()) fmt::print("comment: {}\n", shown(metainfo.comment));
  if (!metainfo.created_by.empty()) fmt::print("created by: {}\n", shown(metainfo.created_by));
  if (metainfo.creation_date) fmt::print("creation date: {}\n", *metainfo.creation_date);
  fmt::print("files: {}\n", metainfo.files.size());
  for (const protocol::FileEntry& file : metainfo.files) {
    fmt::print("  {:>15} {}{}\n", file.length, shown(file.path_string()),
               file.is_padding ? " (padding)" : "");
  }
}

boost::json::object to_json(const protocol::Metainfo& metainfo) {
  boost::json::array files;
  for (const protocol::FileEntry& file : metainfo.files) {
    files.push_back({{"path", json_text(file.path_string())},
                     {"length", file.length},
                     {"offset", file.offset},
                     {"padding", file.is_padding}});
  }
  boost::json::array tiers;
  for (const auto& tier : metainfo.tracker_tiers) {
    boost::json::array urls;
    for (const std::string& url : tier)
      urls.push_back(json_text(url));
    tiers.push_back(std::move(urls));
  }
  boost::json::array web_seeds;
  for (const std::string& url : metainfo.url_list)
    web_seeds.push_back(json_text(url));
  boost::json::object out{{"source", "torrent"},
                          {"name", json_text(metainfo.name)},
                          {"info_hash", protocol::to_hex(metainfo.info_hash)},
                          {"piece_length", metainfo.piece_length},
                          {"piece_count", metainfo.piece_count()},
                          {"total_size", metainfo.total_size_bytes},
                          {"private", metainfo.is_private},
                          {"multi_file", metainfo.is_multi_file},
                          {"hybrid", metainfo.is_hybrid},
                          {"trackers", std::move(tiers)},
                          {"web_seeds", std::move(web_seeds)},
                          {"comment", json_text(metainfo.comment)},
                          {"created_by", json_text(metainfo.created_by)},
                          {"files", std::move(files)}};
  if (metainfo.creation_date) {
    out["creation_date"] = *metainfo.creation_date;
  } else {
    out["creation_date"] = nullptr;
  }
  return out;
}

int describe_torrent_file(const InfoArguments& arguments) {
  auto bytes = net::read_file(arguments.input, protocol::metainfo_size_max);
  if (!bytes) {
    fmt::print(stderr, "swarmlab info: {}: {}\n", arguments.input, bytes.error().message());
    return 1;
  }
  auto metainfo = protocol::parse_metainfo(*bytes);
  if (!metainfo) {
    fmt::print(stderr, "swarmlab info: {}: {}\n", arguments.input, metainfo.error().describe());
    return 1;
  }
  if (arguments.json) {
    fmt::print("{}\n", boost::json::serialize(to_json(*metainfo)));
  } else {
    print_text(*metainfo);
  }
  return 0;
}

// A magnet link carries the info-hash and hints (name, trackers, peers); the pieces and the files
// arrive from peers, so they are reported as unknown.
void print_magnet_text(const protocol::MagnetLink& link) {
  fmt::print("name: {}\n", link.display_name.empty() ? "(not given)" : shown(link.display_name));
  fmt::print("info-hash: {}\n",
             link.info_hash ? protocol::to_hex(*link.info_hash) : "(none: v2-only link)");
  if (link.info_hash_v2) fmt::print("info-hash v2: {}\n", protocol::to_hex(*link.info_hash_v2));
  fmt::print("piece length: unknown (metadata comes from peers)\n");
  fmt::print("piece count: unknown\ntotal size: unknown\nfiles: unknown\n");
  for (std::size_t tier = 0; tier < link.trackers.size(); ++tier) {
    fmt::print("tracker (tier {}): {}\n", tier, shown(link.trackers[tier]));
  }
  for (const std::string& url : link.web_seeds)
    fmt::print("web seed: {}\n", shown(url));
  for (const auto& peer : link.peers)
    fmt::print("peer: {}\n", peer.to_string());
  for (const std::string& peer : link.peer_hostnames)
    fmt::print("peer: {}\n", shown(peer));
}

boost::json::object magnet_to_json(const protocol::MagnetLink& link) {
  // One tier per tracker, the shape torrent files use.
  boost::json::array tiers;
  for (const std::string& url : link.trackers)
    tiers.push_back(boost::json::array{json_text(url)});
  boost::json::array web_seeds;
  for (const std::string& url : link.web_seeds)
    web_seeds.push_back(json_text(url));
  boost::json::array peers;
  for (const auto& peer : link.peers)
    peers.push_back(json_text(peer.to_string()));
  for (const std::string& peer : link.peer_hostnames)
    peers.push_back(json_text(peer));
  boost::json::object out{{"source", "magnet"},           {"name", json_text(link.display_name)},
                          {"piece_length", nullptr},      {"piece_count", nullptr},
                          {"total_size", nullptr},        {"files", nullptr},
                          {"trackers", std::move(tiers)}, {"web_seeds", std::move(web_seeds)},
                          {"peers", std::move(peers)}};
  out["info_hash"] = link.info_hash ? boost::json::value(protocol::to_hex(*link.info_hash))
                                    : boost::json::value(nullptr);
  out["info_hash_v2"] = link.info_hash_v2 ? boost::json::value(protocol::to_hex(*link.info_hash_v2))
                                          : boost::json::value(nullptr);
  return out;
}

int describe_magnet(const InfoArguments& arguments) {
  auto link = protocol::parse_magnet(arguments.input);
  if (!link) {
    fmt::print(stderr, "swarmlab info: {}: {}\n", arguments.input, link.error().describe());
    return 1;
  }
  if (arguments.json) {
    fmt::print("{}\n", boost::json::serialize(magnet_to_json(*link)));
  } else {
    print_magnet_text(*link);
  }
  return 0;
}

bool is_magnet(std::string_view input) {
  return input.starts_with("magnet:");
}

}  // namespace

void register_info(CLI::App& app, CommandSet& commands) {
  auto arguments = std::make_shared<InfoArguments>();
  CLI::App& command =
      commands.add(app, "info", "Describe a .torrent file or a magnet link", [arguments] {
        return is_magnet(arguments->input) ? describe_magnet(*arguments)
                                           : describe_torrent_file(*arguments);
      });
  command.add_option("input", arguments->input, "A .torrent file or a magnet: URI")->required();
  command.add_flag("--json", arguments->json, "Print JSON instead of text");
}

}  // namespace swarmlab::apps
