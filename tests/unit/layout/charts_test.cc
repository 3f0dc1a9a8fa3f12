// Chart arithmetic: nice tick steps and largest-remainder percentages.
#include <gtest/gtest.h>

#include <numeric>

#include "layout/paginator.h"

namespace paiban::layout {
namespace {

TEST(NiceTicks, StepsAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_EQ(nice_ticks(0, 545), (std::vector<double>{0, 100, 200, 300, 400, 500, 600}));
  EXPECT_EQ(nice_ticks(0, 430), (std::vector<double>{0, 100, 200, 300, 400, 500}));
  EXPECT_EQ(nice_ticks(0, 9), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(nice_ticks(0, 1200), (std::vector<double>{0, 200, 400, 600, 800, 1000, 1200}));
  EXPECT_EQ(nice_ticks(-30, 70), (std::vector<double>{-40, -20, 0, 20, 40, 60, 80}));
  auto small = nice_ticks(0, 0.37);
  ASSERT_EQ(small.size(), 5u);
  EXPECT_NEAR(small[1], 0.1, 1e-12);
  EXPECT_NEAR(small.back(), 0.4, 1e-12);
  EXPECT_EQ(nice_ticks(0, 0), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
}

TEST(LargestRemainder, PercentagesAddUpToExactlyAHundred) {
  auto thirds = largest_remainder_percentages({1, 1, 1});
  EXPECT_EQ(thirds, (std::vector<double>{33.4, 33.3, 33.3}));
  // 286/470 = 60.851…, 171/470 = 36.382…, 9/470 = 1.914…, 4/470 = 0.851…: rounded each, 100.0.
  auto d = largest_remainder_percentages({286, 171, 9, 4});
  EXPECT_EQ(d, (std::vector<double>{60.9, 36.4, 1.9, 0.8}));
  // Seven shares whose plain rounding gives 100.1: the smallest remainder loses.
  std::vector<double> v = {121, 95, 362, 164, 442, 135, 184};
  auto p = largest_remainder_percentages(v);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 100.0, 1e-9);
  EXPECT_EQ(largest_remainder_percentages({0, 5}), (std::vector<double>{0, 100}));
}

}  // namespace
}  // namespace paiban::layout
