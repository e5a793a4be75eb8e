#include "operators/scenarios/geography.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "operators/geo_distance.hpp"

namespace rivulet::operators::scenarios {
namespace {

constexpr std::array kCountries = {
    Country{"US", 38.90, -77.04, 30}, Country{"GB", 51.51, -0.13, 10},
    Country{"DE", 52.52, 13.40, 10},  Country{"FR", 48.86, 2.35, 8},
    Country{"NL", 52.37, 4.90, 4},    Country{"ES", 40.42, -3.70, 6},
    Country{"IT", 41.90, 12.50, 6},   Country{"CA", 45.42, -75.70, 5},
    Country{"MX", 19.43, -99.13, 4},  Country{"BR", -15.79, -47.88, 5},
    Country{"NG", 9.08, 7.40, 2},     Country{"IN", 28.61, 77.21, 4},
    Country{"JP", 35.68, 139.69, 3},  Country{"SG", 1.35, 103.82, 1},
    Country{"AU", -35.28, 149.13, 2},
};

}  // namespace

std::span<const Country> countries() { return kCountries; }

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  return great_circle_km(lat1, lon1, lat2, lon2);
}

double distance_km(const Country& a, const Country& b) {
  return distance_km(a.latitude, a.longitude, b.latitude, b.longitude);
}

}  // namespace rivulet::operators::scenarios
