/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-elements"

#include "config.h"

#include "lq-elements.h"
#include "lq-gst-compressor.h"
#include "lq-gst-dither.h"
#include "lq-gst-eq.h"
#include "lq-gst-gain.h"
#include "lq-gst-imager.h"
#include "lq-gst-limiter.h"
#include "lq-gst-loudness.h"
#include "lq-gst-multiband.h"
#include "lq-gst-phase.h"
#include "lq-gst-spectrum.h"
#include "lq-gst-strip.h"

/* Every Lacquer element registers here, once for the application (a static plugin) and once
 * for the loadable plugin in lq-plugin.c, so gst-inspect-1.0 and gst-launch-1.0 see the same
 * elements as the application does. Add one GST_ELEMENT_REGISTER line per element. */

gboolean
lq_elements_register_all (GstPlugin *plugin)
{
  gboolean ok = TRUE;

  (void) plugin;
  ok &= GST_ELEMENT_REGISTER (lqcompressor, plugin);
  ok &= GST_ELEMENT_REGISTER (lqdither, plugin);
  ok &= GST_ELEMENT_REGISTER (lqeq, plugin);
  ok &= GST_ELEMENT_REGISTER (lqgain, plugin);
  ok &= GST_ELEMENT_REGISTER (lqimager, plugin);
  ok &= GST_ELEMENT_REGISTER (lqlimiter, plugin);
  ok &= GST_ELEMENT_REGISTER (lqloudness, plugin);
  ok &= GST_ELEMENT_REGISTER (lqmultiband, plugin);
  ok &= GST_ELEMENT_REGISTER (lqphase, plugin);
  ok &= GST_ELEMENT_REGISTER (lqspectrum, plugin);
  ok &= GST_ELEMENT_REGISTER (lqstrip, plugin);

  return ok;
}

/**
 * lq_elements_init:
 *
 * Registers Lacquer's elements with GStreamer as a static plugin. Call after gst_init();
 * calling it again does nothing.
 */
void
lq_elements_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "lacquer",
                                  "Lacquer mastering and analysis elements",
                                  lq_elements_register_all, PACKAGE_VERSION, "GPL",
                                  PACKAGE_NAME, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN);
      g_once_init_leave (&initialized, 1);
    }
}
