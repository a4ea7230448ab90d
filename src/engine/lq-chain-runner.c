/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-chain-runner"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-chain-runner.h"
#include "lq-engine-error.h"

struct _LqChainRunner
{
  LqChain *chain;          /* the settings of the elements, or NULL for a single element */
  LqChainElement *single;  /* the settings when made for one element */
  GPtrArray *elements;     /* GstElement in processing order */
  GstPad *src;             /* our pad feeding the first element */
  GstPad *sink;            /* our pad fed by the last element */
  GstBus *bus;             /* where the elements post their errors */
  guint rate;
  guint channels;
  GArray *fifo;            /* processed float samples not read yet, from read_pos */
  gsize read_pos;          /* samples of fifo already read */
  guint64 pushed;          /* frames pushed since the last reset */
  gboolean finished;       /* EOS sent */
};

static GstFlowReturn
sink_chain (GstPad    *pad,
            GstObject *parent,
            GstBuffer *buffer)
{
  LqChainRunner *self = gst_pad_get_element_private (pad);
  GstMapInfo map;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_array_append_vals (self->fifo, map.data, map.size / sizeof (float));
      gst_buffer_unmap (buffer, &map);
    }
  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

static gboolean
sink_event (GstPad    *pad,
            GstObject *parent,
            GstEvent  *event)
{
  gst_event_unref (event);
  return TRUE;
}

/* Turns an ERROR message an element posted into @error. */
static gboolean
check_bus (LqChainRunner  *self,
           GError        **error)
{
  g_autoptr(GstMessage) msg = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) err = NULL;
  g_autofree char *debug = NULL;

  if (msg == NULL)
    return TRUE;
  gst_message_parse_error (msg, &err, &debug);
  g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
               _("Processing failed in “%s”: %s"), GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
  return FALSE;
}

static void
send_start_events (LqChainRunner *self)
{
  g_autoptr(GstCaps) caps = NULL;
  GstSegment segment;

  gst_pad_push_event (self->src, gst_event_new_stream_start ("lacquer-chain"));
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, G_BYTE_ORDER == G_LITTLE_ENDIAN ? "F32LE" : "F32BE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) self->rate,
                              "channels", G_TYPE_INT, (int) self->channels,
                              NULL);
  if (self->channels == 2)
    gst_caps_set_simple (caps, "channel-mask", GST_TYPE_BITMASK, (guint64) 0x3, NULL);
  gst_pad_push_event (self->src, gst_event_new_caps (caps));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (self->src, gst_event_new_segment (&segment));
}

static LqChainRunner *
runner_new (LqChain         *chain,
            LqChainElement  *single,
            guint            rate,
            guint            channels,
            GError         **error)
{
  LqChainRunner *self = g_new0 (LqChainRunner, 1);
  guint n = chain ? lq_chain_get_n_elements (chain) : 1;
  GstPad *upstream;

  self->chain = chain ? g_object_ref (chain) : NULL;
  self->single = single ? g_object_ref (single) : NULL;
  self->rate = rate;
  self->channels = channels;
  self->fifo = g_array_new (FALSE, FALSE, sizeof (float));
  self->elements = g_ptr_array_new ();
  self->bus = gst_bus_new ();
  self->src = gst_object_ref_sink (gst_pad_new ("runner-src", GST_PAD_SRC));
  self->sink = gst_object_ref_sink (gst_pad_new ("runner-sink", GST_PAD_SINK));
  gst_pad_set_element_private (self->sink, self);
  gst_pad_set_chain_function (self->sink, sink_chain);
  gst_pad_set_event_function (self->sink, sink_event);

  upstream = self->src;
  for (guint i = 0; i < n; i++)
    {
      LqChainElement *desc = chain ? lq_chain_get_element (chain, i) : single;
      GstElement *element = lq_chain_element_instantiate (desc, error);
      GstPad *sinkpad;

      if (element == NULL)
        {
          lq_chain_runner_free (self);
          return NULL;
        }
      g_ptr_array_add (self->elements, element);
      gst_element_set_bus (element, self->bus);
      sinkpad = gst_element_get_static_pad (element, "sink");
      if (gst_pad_link (upstream, sinkpad) != GST_PAD_LINK_OK)
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                       _("The element “%s” cannot be used in a processing chain"),
                       lq_chain_element_get_factory (desc));
          gst_object_unref (sinkpad);
          if (upstream != self->src)
            gst_object_unref (upstream);
          lq_chain_runner_free (self);
          return NULL;
        }
      gst_object_unref (sinkpad);
      if (upstream != self->src)
        gst_object_unref (upstream);
      upstream = gst_element_get_static_pad (element, "src");
    }
  gst_pad_link (upstream, self->sink);
  if (upstream != self->src)
    gst_object_unref (upstream);

  gst_pad_set_active (self->sink, TRUE);
  gst_pad_set_active (self->src, TRUE);
  for (guint i = 0; i < self->elements->len; i++)
    if (gst_element_set_state (g_ptr_array_index (self->elements, i), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
      {
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                     _("The processing element “%s” failed to start"),
                     GST_OBJECT_NAME (g_ptr_array_index (self->elements, i)));
        lq_chain_runner_free (self);
        return NULL;
      }
  send_start_events (self);
  return self;
}

/**
 * lq_chain_runner_new:
 * @channels: 1 or 2
 *
 * Returns: (transfer full) (nullable): a runner for @chain's elements, or %NULL when an
 *   element cannot be made or set up
 */
LqChainRunner *
lq_chain_runner_new (LqChain  *chain,
                     guint     rate,
                     guint     channels,
                     GError  **error)
{
  g_return_val_if_fail (LQ_IS_CHAIN (chain), NULL);
  return runner_new (chain, NULL, rate, channels, error);
}

/**
 * lq_chain_runner_new_for_element:
 *
 * Returns: (transfer full) (nullable): a runner for one element
 */
LqChainRunner *
lq_chain_runner_new_for_element (LqChainElement  *element,
                                 guint            rate,
                                 guint            channels,
                                 GError         **error)
{
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);
  return runner_new (NULL, element, rate, channels, error);
}

gboolean
lq_chain_runner_push (LqChainRunner  *self,
                      const float    *frames,
                      gsize           n_frames,
                      GError        **error)
{
  GstBuffer *buffer;
  GstFlowReturn flow;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (n_frames == 0)
    return TRUE;
  buffer = gst_buffer_new_memdup (frames, n_frames * self->channels * sizeof (float));
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int_round (self->pushed, GST_SECOND, self->rate);
  GST_BUFFER_DURATION (buffer) =
    gst_util_uint64_scale_int_round (self->pushed + n_frames, GST_SECOND, self->rate) - GST_BUFFER_PTS (buffer);
  GST_BUFFER_OFFSET (buffer) = self->pushed;
  self->pushed += n_frames;
  flow = gst_pad_push (self->src, buffer);
  if (!check_bus (self, error))
    return FALSE;
  if (flow != GST_FLOW_OK)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The processing chain stopped (%s)"), gst_flow_get_name (flow));
      return FALSE;
    }
  return TRUE;
}

/**
 * lq_chain_runner_finish:
 *
 * Ends the stream: the elements drain what they hold, so all the output is then available.
 */
gboolean
lq_chain_runner_finish (LqChainRunner  *self,
                        GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->finished)
    return TRUE;
  gst_pad_push_event (self->src, gst_event_new_eos ());
  self->finished = TRUE;
  return check_bus (self, error);
}

gsize
lq_chain_runner_available (LqChainRunner *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (self->fifo->len - self->read_pos) / self->channels;
}

/**
 * lq_chain_runner_read:
 *
 * Copies up to @max_frames processed frames into @frames.
 *
 * Returns: the frames copied
 */
gsize
lq_chain_runner_read (LqChainRunner *self,
                      float         *frames,
                      gsize          max_frames)
{
  gsize n;

  g_return_val_if_fail (self != NULL, 0);

  n = MIN (max_frames, lq_chain_runner_available (self));
  if (n == 0)
    return 0;
  memcpy (frames, (float *) (gpointer) self->fifo->data + self->read_pos, n * self->channels * sizeof (float));
  self->read_pos += n * self->channels;
  if (self->read_pos == self->fifo->len)
    {
      g_array_set_size (self->fifo, 0);
      self->read_pos = 0;
    }
  else if (self->read_pos > (1u << 20))
    {
      g_array_remove_range (self->fifo, 0, self->read_pos);
      self->read_pos = 0;
    }
  return n;
}

/**
 * lq_chain_runner_sync:
 *
 * Applies the chain's current settings to the running elements. Fails when elements were
 * added, removed or reordered since the runner was made: make a new runner then.
 */
gboolean
lq_chain_runner_sync (LqChainRunner  *self,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->chain != NULL && lq_chain_get_n_elements (self->chain) != self->elements->len)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("The chain has changed"));
      return FALSE;
    }
  for (guint i = 0; i < self->elements->len; i++)
    {
      LqChainElement *desc = self->chain ? lq_chain_get_element (self->chain, i) : self->single;
      GstElement *element = g_ptr_array_index (self->elements, i);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (g_strcmp0 (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)),
                     lq_chain_element_get_factory (desc)) != 0)
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("The chain has changed"));
          return FALSE;
        }
      if (!lq_chain_element_apply (desc, element, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * lq_chain_runner_reset:
 *
 * Flushes the elements (as a seek does) and drops unread output: the next frame pushed is
 * the start of a new stream.
 */
void
lq_chain_runner_reset (LqChainRunner *self)
{
  GstSegment segment;

  g_return_if_fail (self != NULL);

  gst_pad_push_event (self->src, gst_event_new_flush_start ());
  gst_pad_push_event (self->src, gst_event_new_flush_stop (TRUE));
  if (self->finished)
    {
      /* After EOS a new stream starts with its own events. */
      self->finished = FALSE;
      send_start_events (self);
    }
  else
    {
      gst_segment_init (&segment, GST_FORMAT_TIME);
      gst_pad_push_event (self->src, gst_event_new_segment (&segment));
    }
  g_array_set_size (self->fifo, 0);
  self->read_pos = 0;
  self->pushed = 0;
}

guint
lq_chain_runner_get_n_elements (LqChainRunner *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->elements->len;
}

/**
 * lq_chain_runner_get_element:
 *
 * Returns: (transfer none): the running element at @index (for meters and live changes)
 */
GstElement *
lq_chain_runner_get_element (LqChainRunner *self,
                             guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->elements->len, NULL);
  return g_ptr_array_index (self->elements, index);
}

void
lq_chain_runner_free (LqChainRunner *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->elements->len; i++)
    {
      GstElement *element = g_ptr_array_index (self->elements, i);
      gst_element_set_state (element, GST_STATE_NULL);
      gst_element_set_bus (element, NULL);
      gst_object_unref (element);
    }
  g_ptr_array_unref (self->elements);
  if (self->src)
    {
      gst_pad_set_active (self->src, FALSE);
      gst_object_unref (self->src);
    }
  if (self->sink)
    {
      gst_pad_set_active (self->sink, FALSE);
      gst_object_unref (self->sink);
    }
  g_clear_object (&self->bus);
  g_clear_object (&self->chain);
  g_clear_object (&self->single);
  g_array_unref (self->fifo);
  g_free (self);
}
