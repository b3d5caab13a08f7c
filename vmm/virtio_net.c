// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-mmio network device (the virtio 1.1 spec, section 5.1 "Network
 * Device") on the shared transport (virtio_mmio.c), backed by a tap.
 *
 *  - Features: VERSION_1, ACCESS_PLATFORM (the guest's buffers go through
 *    its DMA API: under SeKVM its shared swiotlb pool) and MAC.  No
 *    offloads, no mergeable buffers, no control queue: every frame is
 *    whole in one chain, behind a 12-byte struct virtio_net_hdr_v1 that
 *    says nothing (num_buffers 1).
 *  - Queue 0 (receive): the driver's device-writable chains.  Frames are
 *    read from the tap (nonblocking) by the receive thread, which polls
 *    it, and by the vCPU that notifies new buffers; a frame that finds no
 *    buffer waits in the vmm, and the tap is not polled meanwhile.
 *  - Queue 1 (transmit): device-readable chains, header then frame, sent
 *    to the tap with one write(2); a frame the tap will not take now is
 *    dropped, as a NIC drops it.
 *
 * Untrusted input: the ring's chains are checked by vq_pop (indices,
 * loops, chains longer than the queue, indirect or zero-length
 * descriptors, buffers outside guest RAM, directions); a broken ring sets
 * DEVICE_NEEDS_RESET.  A frame shorter than the header or longer than
 * ETH_MAX on transmit is dropped and its chain returned; a receive chain
 * too small for the waiting frame is put back and the frame dropped.
 * Frames are copied between guest RAM and a buffer in the vmm: guest RAM
 * is never handed to read(2) or write(2).
 */
#include "virtio_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VIRTIO_ID_NET		1
#define NET_F_MAC		(1ULL << 5)
#define NET_HDR			12	/* struct virtio_net_hdr_v1 */
#define FRAME_MAX		65535	/* a tap frame, without offloads less */
#define VNET_RX			0
#define VNET_TX			1

static void vnet_notify(struct vdev *d, uint32_t q);
static void vnet_reset(struct vdev *d);

static const struct vdev_ops vnet_ops = {
	.notify = vnet_notify,
	.reset = vnet_reset,
};

static uint8_t vnet_config[6];	/* mac */
static struct vdev vnet = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.name = "net",
	.base = VMM_VIRTIO_NET_BASE,
	.device_id = VIRTIO_ID_NET,
	.features = VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM | NET_F_MAC,
	.nr_queues = 2,
	.config = vnet_config,
	.config_len = sizeof(vnet_config),
	.ops = &vnet_ops,
};
static int vnet_fd = -1;
static bool vnet_present;
/* The frame read from the tap and not yet delivered, under vnet.lock. */
static uint8_t rx_frame[NET_HDR + FRAME_MAX];
static size_t rx_len;		/* header + frame; 0: none waiting */
static int wake_pipe[2] = { -1, -1 };	/* rx buffers added: poll the tap */

/* --- the option ------------------------------------------------------ */

static int parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	char text[18];

	if (len != 17)
		return -1;
	memcpy(text, s, len);
	text[len] = 0;
	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	/* a unicast address: a multicast one would never be received */
	return mac[0] & 1 ? -1 : 0;
}

int vnet_parse(const char *spec, char *ifname, size_t ifname_len,
	       uint8_t mac[6])
{
	static const uint8_t def_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34,
					    0x56 };
	const char *name, *comma;
	size_t len;

	memcpy(mac, def_mac, 6);
	if (strncmp(spec, "tap=", 4)) {
		fprintf(stderr, "vmm: --net '%s': expected tap=NAME[,mac=MAC]\n",
			spec);
		return -1;
	}
	name = spec + 4;
	comma = strchr(name, ',');
	len = comma ? (size_t)(comma - name) : strlen(name);
	if (!len || len >= ifname_len || len >= IFNAMSIZ) {
		fprintf(stderr, "vmm: --net '%s': the tap name must be 1 to "
			"%d characters\n", spec, IFNAMSIZ - 1);
		return -1;
	}
	memcpy(ifname, name, len);
	ifname[len] = 0;
	if (!comma)
		return 0;
	if (strncmp(comma, ",mac=", 5) ||
	    parse_mac(comma + 5, strlen(comma + 5), mac) < 0) {
		fprintf(stderr, "vmm: --net '%s': after the name only "
			",mac=XX:XX:XX:XX:XX:XX (unicast)\n", spec);
		return -1;
	}
	return 0;
}

int vnet_open(const char *spec, struct vnet_cfg *cfg)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (vnet_parse(spec, ifr.ifr_name, sizeof(ifr.ifr_name),
		       cfg->mac) < 0)
		return -1;
	cfg->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (cfg->fd < 0) {
		fprintf(stderr, "vmm: --net %s: /dev/net/tun: %s\n", spec,
			strerror(errno));
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(cfg->fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "vmm: --net %s: TUNSETIFF %s: %s\n", spec,
			ifr.ifr_name, strerror(errno));
		close(cfg->fd);
		cfg->fd = -1;
		return -1;
	}
	return 0;
}

void vnet_init(struct vm *vm, const struct vnet_cfg *cfg, vdev_irq_fn irq,
	       void *irq_ctx)
{
	vnet_fd = cfg->fd;
	memcpy(vnet_config, cfg->mac, 6);
	rx_len = 0;
	vnet_present = true;
	vdev_init(&vnet, vm, irq, irq_ctx);
}

/* --- receive ---------------------------------------------------------- */

/* Read one frame from the tap behind an empty header; false if none. */
static bool rx_fetch(void)
{
	ssize_t n;

	do
		n = read(vnet_fd, rx_frame + NET_HDR, FRAME_MAX);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	memset(rx_frame, 0, NET_HDR);
	rx_frame[10] = 1;	/* num_buffers (le16): one chain a frame */
	rx_len = NET_HDR + (size_t)n;
	return true;
}

/* Deliver frames while there are frames and buffers, under vnet.lock. */
static unsigned int rx_locked(struct vdev *d)
{
	static struct vchain c;	/* under d->lock */
	struct vq *q = &d->q[VNET_RX];
	unsigned int done = 0;
	int rc;

	while (vdev_live(d) && q->ready && (rx_len || rx_fetch())) {
		rc = vq_pop(d, q, VQ_WRITE, false, &c);
		if (rc <= 0)
			break;	/* no buffer: the frame waits */
		if (c.write_len < rx_len) {
			q->last_avail--;	/* too small: put it back */
			rx_len = 0;		/* and drop the frame */
			continue;
		}
		if (vchain_write(d, &c, 0, rx_frame, rx_len) < 0) {
			vdev_broken(d, "receive buffer not writable", c.head);
			break;
		}
		if (vq_push(d, q, c.head, (uint32_t)rx_len) < 0)
			break;
		rx_len = 0;
		done++;
	}
	if (done)
		vq_interrupt(d, q);
	return done;
}

unsigned int vnet_rx(void)
{
	unsigned int n;

	if (!vnet_present)
		return 0;
	pthread_mutex_lock(&vnet.lock);
	n = rx_locked(&vnet);
	pthread_mutex_unlock(&vnet.lock);
	return n;
}

/*
 * Whether a frame waits for buffers, or the receive queue is not live:
 * then polling the tap would only spin; a notify wakes the thread.
 */
static bool rx_stalled(void)
{
	bool stalled;

	pthread_mutex_lock(&vnet.lock);
	stalled = rx_len != 0 || !vdev_live(&vnet) || !vnet.q[VNET_RX].ready;
	pthread_mutex_unlock(&vnet.lock);
	return stalled;
}

static void *rx_thread(void *arg)
{
	struct pollfd p[2];
	char drain[64];

	(void)arg;
	for (;;) {
		p[0] = (struct pollfd){ .fd = rx_stalled() ? -1 : vnet_fd,
					.events = POLLIN };
		p[1] = (struct pollfd){ .fd = wake_pipe[0], .events = POLLIN };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[1].revents & POLLIN)
			while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
				;
		vnet_rx();
	}
}

int vnet_start(void)
{
	pthread_t t;
	int err;

	if (!vnet_present)
		return 0;
	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		perror("vmm: virtio net: pipe");
		return -1;
	}
	err = pthread_create(&t, NULL, rx_thread, NULL);
	if (err) {
		fprintf(stderr, "vmm: virtio net: receive thread: %s\n",
			strerror(err));
		return -1;
	}
	pthread_detach(t);	/* it ends with the process */
	return 0;
}

/* --- transmit --------------------------------------------------------- */

/* One chain's frame to the tap; dropped if malformed or not taken. */
static int tx_chain(struct vdev *d, const struct vchain *c)
{
	static uint8_t frame[FRAME_MAX];	/* under d->lock */
	uint64_t len = c->read_len - NET_HDR;
	ssize_t n;

	if (c->read_len < NET_HDR || len > FRAME_MAX || !len)
		return 0;	/* not a frame: dropped */
	if (vchain_read(d, c, NET_HDR, frame, len) < 0) {
		vdev_broken(d, "transmit buffer not readable", c->head);
		return -1;
	}
	do
		n = write(vnet_fd, frame, len);
	while (n < 0 && errno == EINTR);
	return 0;	/* EAGAIN or a short write: the frame is lost */
}

static void tx(struct vdev *d, struct vq *q)
{
	static struct vchain c;	/* under d->lock */
	uint32_t done;

	for (done = 0; done < q->num; done++)
		if (vq_pop(d, q, VQ_READ, false, &c) <= 0 ||
		    tx_chain(d, &c) < 0 || vq_push(d, q, c.head, 0) < 0)
			break;
	if (done)
		vq_interrupt(d, q);
}

static void vnet_notify(struct vdev *d, uint32_t qi)
{
	char one = 1;

	if (qi == VNET_TX) {
		tx(d, &d->q[qi]);
		return;
	}
	/* New receive buffers: fill them now, and let the thread poll again. */
	rx_locked(d);
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], &one, 1) < 0 &&
	    errno != EAGAIN)
		perror("vmm: virtio net: wake");
}

/* A reset device forgets the frame that waited for it. */
static void vnet_reset(struct vdev *d)
{
	(void)d;
	rx_len = 0;
}

bool vnet_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	return vnet_present && vdev_mmio(&vnet, addr, data, len, is_write);
}
