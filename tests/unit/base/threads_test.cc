#include "base/threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <vector>

namespace paiban {
namespace {

// What a worker throws on a helper thread reaches the caller, after every thread has stopped;
// it does not end the process (std::terminate) as a thread's uncaught exception would.
TEST(RunOnThreads, WhatAHelperThreadThrowsIsThrownToTheCaller) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<size_t> next{0};
    std::vector<std::atomic<int>> done(64);
    auto run = [&] {
      run_on_threads(2, [&] {
        for (size_t i; (i = next++) < done.size();) {
          if (i == 5) throw std::bad_alloc();
          done[i] = 1;
        }
      });
    };
    EXPECT_THROW(run(), std::bad_alloc);
    int finished = 0;
    for (auto& d : done) finished += d;
    EXPECT_GE(finished, 1);  // the other thread went on with its items
    EXPECT_LE(finished, 63);
  }
}

TEST(RunOnThreads, OnlyTheFirstOfTwoFailuresIsThrown) {
  std::atomic<int> throws{0};
  try {
    run_on_threads(2, [&] {
      ++throws;
      throw std::runtime_error("failed");
    });
    ADD_FAILURE() << "nothing thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "failed");
  }
  EXPECT_GE(throws, 1);
}

TEST(RunOnThreads, EveryItemIsDoneOnce) {
  std::atomic<size_t> next{0};
  std::vector<std::atomic<int>> done(1000);
  run_on_threads(2, [&] {
    for (size_t i; (i = next++) < done.size();) ++done[i];
  });
  for (auto& d : done) EXPECT_EQ(d, 1);
}

}  // namespace
}  // namespace paiban
