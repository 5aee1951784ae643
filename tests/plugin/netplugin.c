/*
 * Copyright (c) fleetnet.docker contributors
 * GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
 *
 * fleetnet-test-net: a tiny Docker network driver plugin for the integration tests.
 *
 * No registry is reachable from the sandbox fleet, so the tests cannot install a real
 * third-party driver; this one is built locally and created with `docker plugin create`.
 * It speaks Docker's remote network driver protocol (HTTP + JSON on a unix socket), gives
 * every endpoint a veth pair made through rtnetlink, and appends one line per call to a log
 * file so that a test can check from the host which calls the daemon made.
 *
 * It is a test double, not a product: one request per connection, no JSON parser (the few
 * fields it needs are found by name), and it trusts its only client, the local dockerd.
 * Statically linked so that the plugin's rootfs needs nothing but this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST (1024 * 1024)

static const char *log_path;
static const char *veth_prefix;

static void log_line(const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    FILE *out;

    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* Reopened per line: the file can be removed by a test between runs and the plugin keeps going. */
    out = log_path && *log_path ? fopen(log_path, "a") : NULL;
    va_start(ap, fmt);
    if (out) {
        fprintf(out, "%s ", stamp);
        vfprintf(out, fmt, ap);
        fputc('\n', out);
        fclose(out);
    }
    va_end(ap);
    /* dockerd copies a managed plugin's stdout into its own log: a second place to look. */
    va_start(ap, fmt);
    printf("%s ", stamp);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    va_end(ap);
}

/* Copy the string value of "key" from a flat JSON text; enough for the IDs Docker sends. */
static int json_string(const char *json, const char *key, char *out, size_t size)
{
    char pattern[64];
    const char *at, *end;
    size_t len;

    snprintf(pattern, sizeof(pattern), "\"%s\"", key);
    at = strstr(json, pattern);
    if (!at)
        return -1;
    at += strlen(pattern);
    while (*at == ' ' || *at == ':')
        at++;
    if (*at != '"')
        return -1;
    at++;
    end = strchr(at, '"');
    if (!end)
        return -1;
    len = (size_t)(end - at);
    if (len >= size)
        len = size - 1;
    memcpy(out, at, len);
    out[len] = '\0';
    return 0;
}

/* ---- rtnetlink: veth pairs without needing iproute2 in the rootfs ---- */

struct nl_request {
    struct nlmsghdr header;
    struct ifinfomsg info;
    char attributes[512];
};

static struct rtattr *add_attribute(struct nlmsghdr *header, unsigned short type, const void *data, size_t len)
{
    struct rtattr *attribute = (struct rtattr *)((char *)header + NLMSG_ALIGN(header->nlmsg_len));

    attribute->rta_type = type;
    attribute->rta_len = RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(attribute), data, len);
    header->nlmsg_len = NLMSG_ALIGN(header->nlmsg_len) + RTA_ALIGN(attribute->rta_len);
    return attribute;
}

static void close_nest(struct nlmsghdr *header, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)((char *)header + NLMSG_ALIGN(header->nlmsg_len) - (char *)nest);
}

/* Send one request and return 0 or the negative errno the kernel acknowledged with. */
static int netlink_talk(struct nlmsghdr *header)
{
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    char reply[4096];
    struct nlmsghdr *answer;
    int fd, result = -EIO;
    ssize_t got;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    header->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (sendto(fd, header, header->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        result = -errno;
        close(fd);
        return result;
    }
    got = recv(fd, reply, sizeof(reply), 0);
    if (got > 0) {
        answer = (struct nlmsghdr *)reply;
        if (answer->nlmsg_type == NLMSG_ERROR)
            result = ((struct nlmsgerr *)NLMSG_DATA(answer))->error;
    }
    close(fd);
    return result;
}

static int create_veth(const char *host_name, const char *container_name)
{
    struct nl_request request;
    struct rtattr *linkinfo, *data, *peer;
    struct ifinfomsg peer_info;

    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    request.header.nlmsg_type = RTM_NEWLINK;
    request.header.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    request.info.ifi_family = AF_UNSPEC;
    /* The host end comes up at once; Docker brings the container end up inside the sandbox. */
    request.info.ifi_flags = IFF_UP;
    request.info.ifi_change = IFF_UP;
    add_attribute(&request.header, IFLA_IFNAME, host_name, strlen(host_name) + 1);
    linkinfo = add_attribute(&request.header, IFLA_LINKINFO, NULL, 0);
    add_attribute(&request.header, IFLA_INFO_KIND, "veth", 4);
    data = add_attribute(&request.header, IFLA_INFO_DATA, NULL, 0);
    peer = add_attribute(&request.header, VETH_INFO_PEER, NULL, 0);
    memset(&peer_info, 0, sizeof(peer_info));
    peer_info.ifi_family = AF_UNSPEC;
    memcpy((char *)&request.header + NLMSG_ALIGN(request.header.nlmsg_len), &peer_info, sizeof(peer_info));
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + NLMSG_ALIGN(sizeof(peer_info));
    add_attribute(&request.header, IFLA_IFNAME, container_name, strlen(container_name) + 1);
    close_nest(&request.header, peer);
    close_nest(&request.header, data);
    close_nest(&request.header, linkinfo);
    return netlink_talk(&request.header);
}

static int delete_link(const char *name)
{
    struct nl_request request;

    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    request.header.nlmsg_type = RTM_DELLINK;
    request.info.ifi_family = AF_UNSPEC;
    add_attribute(&request.header, IFLA_IFNAME, name, strlen(name) + 1);
    return netlink_talk(&request.header);
}

/* Interface names are limited to 15 characters: prefix plus the start of the endpoint ID. */
static void veth_names(const char *endpoint, char *host_name, char *container_name)
{
    snprintf(host_name, IFNAMSIZ, "%sh%.8s", veth_prefix, endpoint);
    snprintf(container_name, IFNAMSIZ, "%sc%.8s", veth_prefix, endpoint);
}

/* ---- the remote driver protocol ---- */

static void answer(int fd, int status, const char *body)
{
    char head[256];
    int len = snprintf(head, sizeof(head),
                       "HTTP/1.1 %d %s\r\nContent-Type: application/vnd.docker.plugins.v1.2+json\r\n"
                       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                       status, status == 200 ? "OK" : "Not Found", strlen(body));
    if (write(fd, head, (size_t)len) < 0 || write(fd, body, strlen(body)) < 0)
        log_line("cannot answer: %s", strerror(errno));
}

static void handle(int fd, const char *path, const char *body)
{
    char network[80] = "", endpoint[80] = "", host_name[IFNAMSIZ], container_name[IFNAMSIZ];
    char reply[512];
    const char *call = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int err;

    json_string(body, "NetworkID", network, sizeof(network));
    json_string(body, "EndpointID", endpoint, sizeof(endpoint));
    log_line("%s network=%s endpoint=%s body=%s", call, network, endpoint, body);

    if (!strcmp(call, "Plugin.Activate")) {
        answer(fd, 200, "{\"Implements\":[\"NetworkDriver\"]}");
    } else if (!strcmp(call, "NetworkDriver.GetCapabilities")) {
        answer(fd, 200, "{\"Scope\":\"local\",\"ConnectivityScope\":\"local\"}");
    } else if (!strcmp(call, "NetworkDriver.Join")) {
        veth_names(endpoint, host_name, container_name);
        err = create_veth(host_name, container_name);
        if (err == -EEXIST)
            err = 0; /* a retried Join after a daemon restart finds the pair it made */
        if (err) {
            log_line("Join failed: veth %s/%s: %s", host_name, container_name, strerror(-err));
            snprintf(reply, sizeof(reply), "{\"Err\":\"creating veth %s: %s\"}", host_name, strerror(-err));
        } else {
            snprintf(reply, sizeof(reply),
                     "{\"InterfaceName\":{\"SrcName\":\"%s\",\"DstPrefix\":\"eth\"},\"DisableGatewayService\":true}",
                     container_name);
        }
        answer(fd, 200, reply);
    } else if (!strcmp(call, "NetworkDriver.DeleteEndpoint")) {
        /* Docker moves the container end back to the host on Leave; deleting one end removes both. */
        veth_names(endpoint, host_name, container_name);
        err = delete_link(host_name);
        if (err && err != -ENODEV)
            log_line("DeleteEndpoint: removing %s: %s", host_name, strerror(-err));
        answer(fd, 200, "{}");
    } else if (!strcmp(call, "NetworkDriver.EndpointOperInfo")) {
        answer(fd, 200, "{\"Value\":{}}");
    } else if (!strncmp(call, "NetworkDriver.", 14)) {
        /* CreateNetwork, DeleteNetwork, CreateEndpoint, Leave, Discover*, *ExternalConnectivity,
         * AllocateNetwork, FreeNetwork: nothing to do beyond the log line. */
        answer(fd, 200, "{}");
    } else {
        answer(fd, 404, "{\"Err\":\"unknown call\"}");
    }
}

static void serve(int fd)
{
    static char request[MAX_REQUEST + 1];
    size_t used = 0, wanted = 0;
    char *body = NULL, *length, method[16], path[256];
    ssize_t got;

    while (used < MAX_REQUEST) {
        got = read(fd, request + used, MAX_REQUEST - used);
        if (got <= 0)
            break;
        used += (size_t)got;
        request[used] = '\0';
        if (!body && (body = strstr(request, "\r\n\r\n")) != NULL) {
            body += 4;
            length = strcasestr(request, "\r\nContent-Length:");
            wanted = (size_t)(body - request) + (length ? strtoul(length + 17, NULL, 10) : 0);
        }
        if (body && used >= wanted)
            break;
    }
    request[used] = '\0';
    if (used == 0)
        return; /* dockerd dials the socket once to see that the plugin is up, and hangs up */
    if (!body || sscanf(request, "%15s %255s", method, path) != 2) {
        answer(fd, 404, "{\"Err\":\"bad request\"}");
        return;
    }
    handle(fd, path, body);
}

static void stop(int signal_number)
{
    (void)signal_number;
    _exit(0);
}

int main(void)
{
    const char *socket_path = getenv("SOCKET_PATH");
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    int listener, client;

    log_path = getenv("LOG_FILE");
    veth_prefix = getenv("VETH_PREFIX");
    if (!veth_prefix || strlen(veth_prefix) > 4)
        veth_prefix = "fnt"; /* longer prefixes would not leave room for the endpoint ID */
    if (!socket_path)
        socket_path = "/run/docker/plugins/fleetnet.sock";
    signal(SIGPIPE, SIG_IGN);
    /* As PID 1 of its container the plugin ignores SIGTERM unless it handles it, and
     * `docker plugin disable` would then wait for its kill timeout on every call. */
    signal(SIGTERM, stop);
    signal(SIGINT, stop);

    mkdir("/run/docker", 0755);
    mkdir("/run/docker/plugins", 0755);
    unlink(socket_path);
    strncpy(address.sun_path, socket_path, sizeof(address.sun_path) - 1);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 || listen(listener, 16) < 0) {
        log_line("cannot listen on %s: %s", socket_path, strerror(errno));
        return 1;
    }
    log_line("listening on %s (log tag %s)", socket_path, getenv("LOG_TAG") ? getenv("LOG_TAG") : "-");
    for (;;) {
        client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR)
                continue;
            log_line("accept: %s", strerror(errno));
            return 1;
        }
        serve(client);
        close(client);
    }
}
