#pragma once
// Flink's back-pressure levels, used to colour edges in monitor mode: a ratio of time spent
// back-pressured (0..1) at or below 10 % is OK, at or below 50 % low, above that high.

namespace rivulet::editor::monitor {

enum class PressureClass { Ok, Low, High };

inline constexpr double kPressureOkMax = 0.10;
inline constexpr double kPressureLowMax = 0.50;

constexpr PressureClass pressureClass(double ratio) {
  if (ratio <= kPressureOkMax) return PressureClass::Ok;
  if (ratio <= kPressureLowMax) return PressureClass::Low;
  return PressureClass::High;
}

constexpr const char* to_string(PressureClass c) {
  switch (c) {
    case PressureClass::Ok:
      return "ok";
    case PressureClass::Low:
      return "low";
    case PressureClass::High:
      return "high";
  }
  return "ok";
}

}  // namespace rivulet::editor::monitor
