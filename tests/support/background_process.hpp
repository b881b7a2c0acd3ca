// A program run in the background for a test (a tracker, a seeding client): its standard output is
// read line by line through a pipe, its standard error goes to a file, and it is stopped (SIGTERM,
// then SIGKILL after a grace period) when the object goes away, even if the test failed.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace swarmlab::test {

class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv) {
    int pipe_ends[2] = {-1, -1};
    if (::pipe2(pipe_ends, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 1);
    const std::string err_path = (error_dir_ / "stderr").string();
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> arguments;
    for (const std::string& argument : argv)
      arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    if (posix_spawnp(&pid_, arguments[0], &actions, nullptr, arguments.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_ends[1]);
    out_ = pipe_ends[0];
  }

  ~BackgroundProcess() {
    stop();
    if (out_ >= 0) ::close(out_);
  }

  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // The next line of standard output, or nullopt on end of output or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const std::size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        output_ += line + "\n";
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || out_ < 0) return std::nullopt;
      pollfd descriptor{.fd = out_, .events = POLLIN, .revents = 0};
      if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t size = ::read(out_, chunk, sizeof chunk);
      if (size <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(size));
    }
  }

  // Reads lines until one starts with `prefix`; returns the rest of that line.
  std::optional<std::string> wait_for(std::string_view prefix, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      const auto line = read_line(left);
      if (!line) return std::nullopt;
      if (line->starts_with(prefix)) return line->substr(prefix.size());
    }
    return std::nullopt;
  }

  // SIGTERM, then SIGKILL if it has not exited within `grace`; returns the exit status as
  // waitpid reports it (or -1 if there was no process).
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000)) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        pid_ = -1;
        return status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    pid_ = -1;
    return status_;
  }

  // Whether it has exited on its own (reaps it if so).
  bool exited() {
    if (pid_ <= 0) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return false;
  }
  int status() const { return status_; }

  // Everything read from standard output so far, and the standard error file.
  std::string output() {
    // Whatever is already in the pipe (a process that has exited has closed its end).
    while (read_line(std::chrono::milliseconds(100))) {
    }
    return output_ + buffer_;
  }
  std::string errors() const { return read_file(error_dir_ / "stderr"); }

 private:
  TempDir error_dir_;
  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = -1;
  std::string buffer_;
  std::string output_;
};

}  // namespace swarmlab::test
