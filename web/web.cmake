# The web dashboard (included from the top-level CMakeLists.txt after the
# aiucore target exists). Two build steps:
#  1. `npm ci` in web/ when web/node_modules is missing or older than the
#     lock file (a stamp file records the last successful install);
#  2. scripts/embed_web.cmake turns web/src/* and the chart library's
#     minified bundle into ${CMAKE_BINARY_DIR}/web_assets.c, compiled into
#     aiucore and looked up by src/http/assets.c.
set(WEB_DIR ${CMAKE_SOURCE_DIR}/web)
find_program(AIU_NPM npm)
if(NOT AIU_NPM)
  message(FATAL_ERROR "npm not found: run scripts/deps.sh build (or make build)")
endif()
set(WEB_NPM_STAMP ${WEB_DIR}/node_modules/.aiu-npm-ci.stamp)
add_custom_command(
  OUTPUT ${WEB_NPM_STAMP}
  COMMAND ${AIU_NPM} ci --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${WEB_NPM_STAMP}
  WORKING_DIRECTORY ${WEB_DIR}
  DEPENDS ${WEB_DIR}/package-lock.json ${WEB_DIR}/package.json
  COMMENT "npm ci in web/ (chart library, pinned by web/package-lock.json)"
  VERBATIM)

set(WEB_C ${CMAKE_BINARY_DIR}/web_assets.c)
set(WEB_VENDOR_CHART ${WEB_DIR}/node_modules/chart.js/dist/chart.umd.min.js)
file(GLOB_RECURSE WEB_INPUTS CONFIGURE_DEPENDS ${WEB_DIR}/src/*)
add_custom_command(
  OUTPUT ${WEB_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${WEB_C} -DSRC=${WEB_DIR}/src
          -DVENDOR=/vendor/chart.umd.min.js=${WEB_VENDOR_CHART}
          -P ${CMAKE_SOURCE_DIR}/scripts/embed_web.cmake
  DEPENDS ${WEB_INPUTS} ${WEB_NPM_STAMP} ${CMAKE_SOURCE_DIR}/scripts/embed_web.cmake
  COMMENT "Embedding web/ (the dashboard) into the binary"
  VERBATIM)
target_sources(aiucore PRIVATE ${WEB_C})
