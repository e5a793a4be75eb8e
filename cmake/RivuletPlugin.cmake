# rivulet_add_plugin(NAME SOURCES...): an operator plugin (runtime/plugin_api.hpp) as a MODULE
# library. Used in this tree (examples/plugins/) and, through find_package(Rivulet), by plugin
# authors against an installed Rivulet: the same function in both places.
#
# A plugin compiles against Rivulet's headers and links nothing of Rivulet: the `rivulet`
# executable that loads it provides those functions (it is linked with -rdynamic).
function(rivulet_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Rivulet::plugin_api)
  # Only the entry points need to be visible; everything else stays inside the plugin.
  set_target_properties(${name} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden)
endfunction()
