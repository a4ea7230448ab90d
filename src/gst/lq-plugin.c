/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loadable plugin: GST_PLUGIN_PATH=_build/src/gst gst-inspect-1.0 lacquer */
#define G_LOG_DOMAIN "lq-plugin"

#include "config.h"

#include "lq-elements.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return lq_elements_register_all (plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, lacquer,
                   "Lacquer mastering and analysis elements", plugin_init, PACKAGE_VERSION,
                   "GPL", PACKAGE_NAME, GST_PACKAGE_ORIGIN)
