// `swarmlab create PATH -o FILE.torrent`: makes a v1 torrent of a file or a directory.
#include "apps/commands.hpp"
#include "net/file_io.hpp"
#include "protocol/torrent_creator.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace swarmlab::apps {
namespace {

struct CreateArguments {
  std::string source;
  std::string output;
  std::int64_t piece_length = 0;
  std::vector<std::string> trackers;
  std::vector<std::string> web_seeds;
  bool is_private = false;
  std::string comment;
  bool no_date = false;
  bool sort_files = false;
  std::size_t threads = 0;
};

// "hashing 42% (420/1000 pieces)" on one refreshed line, only when stderr is a terminal.
protocol::HashProgress terminal_progress() {
  if (::isatty(STDERR_FILENO) == 0) return {};
  auto last_percent = std::make_shared<int>(-1);
  return [last_percent](std::uint32_t done, std::uint32_t total) {
    const int percent = total == 0 ? 100 : static_cast<int>(std::uint64_t{done} * 100 / total);
    if (percent == *last_percent) return;
    *last_percent = percent;
    fmt::print(stderr, "\rhashing {:3}% ({}/{} pieces)", percent, done, total);
    if (done == total) fmt::print(stderr, "\n");
  };
}

protocol::CreateOptions to_options(const CreateArguments& arguments) {
  protocol::CreateOptions options;
  options.piece_length = arguments.piece_length;
  options.trackers = arguments.trackers;
  options.url_list = arguments.web_seeds;
  options.is_private = arguments.is_private;
  options.comment = arguments.comment;
  options.created_by = std::string(program_version);
  if (!arguments.no_date) {
    // A torrent's creation date is wall-clock metadata for people; nothing decides on it.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    options.creation_date = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  }
  options.file_order =
      arguments.sort_files ? protocol::FileOrder::sorted : protocol::FileOrder::directory;
  options.worker_count = arguments.threads;
  options.progress = terminal_progress();
  return options;
}

// Where the .torrent goes: through a symbolic link to the file it names (the link stays), never
// over the content being shared nor over anything but a regular file. An error line otherwise.
std::optional<std::filesystem::path> output_target(const CreateArguments& arguments) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path output = fs::weakly_canonical(arguments.output, error);
  if (error) {
    fmt::print(stderr, "swarmlab create: {}: {}\n", arguments.output, error.message());
    return std::nullopt;
  }
  const fs::file_status status = fs::status(output, error);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    fmt::print(stderr, "swarmlab create: {}: exists and is not a regular file; not replacing it\n",
               arguments.output);
    return std::nullopt;
  }
  const fs::path source = fs::weakly_canonical(arguments.source, error);
  if (!error) {
    const fs::path relative = output.lexically_relative(source);
    if (!relative.empty() && *relative.begin() != "..") {
      fmt::print(stderr,
                 "swarmlab create: {}: {} the content being shared ({}); write the torrent "
                 "elsewhere\n",
                 arguments.output, relative == "." ? "is" : "is inside", arguments.source);
      return std::nullopt;
    }
  }
  return output;
}

// A URL with one of `schemes` and something after it; one error line naming the flag otherwise.
bool urls_fit(const char* flag, const std::vector<std::string>& urls,
              std::initializer_list<std::string_view> schemes) {
  for (const std::string& url : urls) {
    const bool fits = std::any_of(schemes.begin(), schemes.end(), [&](std::string_view scheme) {
      return url.starts_with(scheme) && url.size() > scheme.size();
    });
    if (!fits) {
      fmt::print(stderr, "swarmlab create: {}: '{}' is not a URL starting with {}\n", flag, url,
                 fmt::join(schemes, " or "));
      return false;
    }
  }
  return true;
}

int run_create(const CreateArguments& arguments) {
  if (!urls_fit("--tracker", arguments.trackers, {"http://", "https://", "udp://"}) ||
      !urls_fit("--web-seed", arguments.web_seeds, {"http://", "https://"})) {
    return 1;
  }
  const std::optional<std::filesystem::path> output = output_target(arguments);
  if (!output) return 1;
  auto created = protocol::create_torrent(arguments.source, to_options(arguments));
  if (!created) {
    fmt::print(stderr, "swarmlab create: {}\n", created.error().describe());
    return 1;
  }
  if (const auto error = net::write_file_atomically(*output, created->torrent_file)) {
    fmt::print(stderr, "swarmlab create: {}: {}\n", arguments.output, error.message());
    return 1;
  }
  const protocol::Metainfo& metainfo = created->metainfo;
  fmt::print("created {}\ninfo-hash: {}\npieces: {} x {} bytes\ntotal size: {} bytes\n",
             arguments.output, protocol::to_hex(metainfo.info_hash), metainfo.piece_count(),
             metainfo.piece_length, metainfo.total_size_bytes);
  return 0;
}

}  // namespace

void register_create(CLI::App& app, CommandSet& commands) {
  auto arguments = std::make_shared<CreateArguments>();
  CLI::App& command = commands.add(app, "create",
                                   "Create a .torrent (BitTorrent v1) of a file or "
                                   "a directory",
                                   [arguments] { return run_create(*arguments); });
  command.add_option("path", arguments->source, "File or directory to share")->required();
  command.add_option("-o,--output", arguments->output, "The .torrent file to write")->required();
  command.add_option("--piece-length", arguments->piece_length,
                     "Piece length in bytes: a power of two from 16384; 0 or none: automatic "
                     "(about 1000 to 2000 pieces)");
  command.add_option("--tracker", arguments->trackers,
                     "Tracker announce URL; repeat for more (each forms its own tier)");
  command.add_option("--web-seed", arguments->web_seeds, "Web seed URL (BEP 19); repeatable");
  command.add_flag("--private", arguments->is_private, "Mark the torrent private (BEP 27)");
  command.add_option("--comment", arguments->comment, "Free-text comment");
  command.add_flag("--no-date", arguments->no_date,
                   "Omit the creation date, so the same input gives the same file");
  command.add_flag("--sort-files", arguments->sort_files,
                   "Order files by name instead of as the filesystem lists them (the order "
                   "libtorrent uses); gives the same torrent on any filesystem");
  command.add_option("--threads", arguments->threads, "Hashing threads (default: one per core)");
}

}  // namespace swarmlab::apps
