# `cmake --install` and CPack (.deb): the executables, the exported operator catalog, the headers
# and a CMake package config for plugin authors (find_package(Rivulet)), a systemd unit for
# `rivulet node`, and the docs.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RIVULET_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Rivulet)
set(RIVULET_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/rivulet)
# Where the systemd unit's node loads plugins from (the only place it loads them from).
set(RIVULET_INSTALL_PLUGINDIR ${CMAKE_INSTALL_LIBDIR}/rivulet/plugins)

install(TARGETS rivulet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET rivulet-editor)
  install(TARGETS rivulet-editor RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # rivulet-editor looks for ../share/rivulet/catalog.json next to its executable.
  install(FILES ${PROJECT_BINARY_DIR}/editor/catalog.json DESTINATION ${CMAKE_INSTALL_DATADIR}/rivulet)
endif()

# Headers a plugin (or a client of the control API) compiles against, under include/rivulet/
# with the same relative paths as in the tree ("runtime/plugin_api.hpp").
foreach(folder graphs runtime operators client)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/ DESTINATION ${RIVULET_INSTALL_INCLUDEDIR}/${folder}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.capnp")
endforeach()
install(DIRECTORY ${PROJECT_BINARY_DIR}/generated/graphs/ DESTINATION ${RIVULET_INSTALL_INCLUDEDIR}/graphs
        FILES_MATCHING PATTERN "*.capnp.h")

install(TARGETS rivulet_plugin_api EXPORT RivuletTargets)
install(EXPORT RivuletTargets NAMESPACE Rivulet:: DESTINATION ${RIVULET_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/RivuletConfig.cmake.in
  ${PROJECT_BINARY_DIR}/RivuletConfig.cmake INSTALL_DESTINATION ${RIVULET_INSTALL_CMAKEDIR}
  PATH_VARS RIVULET_INSTALL_PLUGINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/RivuletConfigVersion.cmake
  COMPATIBILITY ExactVersion)  # the plugin API needs the same Rivulet (runtime/plugin_api.hpp)
install(FILES ${PROJECT_BINARY_DIR}/RivuletConfig.cmake ${PROJECT_BINARY_DIR}/RivuletConfigVersion.cmake
        ${PROJECT_SOURCE_DIR}/cmake/RivuletPlugin.cmake DESTINATION ${RIVULET_INSTALL_CMAKEDIR})
install(DIRECTORY DESTINATION ${RIVULET_INSTALL_PLUGINDIR})

# The systemd unit, with the paths filled in at install time: `cmake --install --prefix P` and
# CPack (which installs under /usr) each get their own.
install(CODE "
  set(RIVULET_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  set(RIVULET_PLUGINDIR \"\${CMAKE_INSTALL_PREFIX}/${RIVULET_INSTALL_PLUGINDIR}\")
  set(RIVULET_DOCDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}\")
  set(unit \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/rivulet-node.service\")
  message(STATUS \"Installing: \${unit}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/scripts/systemd/rivulet-node.service\" \"\${unit}\" @ONLY)
")

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN "images" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        FILES_MATCHING PATTERN "*.json" PATTERN "*.md" PATTERN "*.cpp" PATTERN "CMakeLists.txt")

# `cpack -G DEB` in the build dir (scripts/package.sh).
set(CPACK_PACKAGE_NAME rivulet)
set(CPACK_PACKAGE_VENDOR "Rivulet")
set(CPACK_PACKAGE_CONTACT "Rivulet developers <rivulet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Real-time stream processing: runtime node, CLI and graph editor")
set(CPACK_PACKAGE_INSTALL_DIRECTORY rivulet)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The Debian shared libraries the executables link (librdkafka, CAF, Cap'n Proto, RocksDB, Qt)
# become the package's dependencies, found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
