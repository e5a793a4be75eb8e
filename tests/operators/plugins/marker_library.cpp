// A shared library that proves it was loaded: its constructor creates the file named by
// $RIVULET_MARKER_FILE. A graph naming it in plugin.library.paths must never get it loaded
// (kafka_client_properties_test.cpp).
#include <cstdio>
#include <cstdlib>

__attribute__((constructor)) static void write_marker() {
  const char* path = std::getenv("RIVULET_MARKER_FILE");
  if (path == nullptr) return;
  if (std::FILE* file = std::fopen(path, "w")) {
    std::fputs("loaded\n", file);
    std::fclose(file);
  }
}
