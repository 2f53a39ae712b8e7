package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents the simulator knows: a realistic subset of Nimble's public catalogue. Listing agents
 * ({@code *_serp}, {@code *_search}, {@code *_plp}, {@code *_clp}, best sellers, reviews) return an
 * array in {@code data.parsing}; the others (product and detail pages) return an object.
 */
final class AgentCatalog {

  /** One agent; {@code mainParam} is the input its target URL is built from. */
  record Agent(
      String name,
      String displayName,
      String vertical,
      String entityType,
      String domain,
      String mainParam,
      String path) {

    boolean listing() {
      return name.endsWith("_serp")
          || name.endsWith("_search")
          || name.endsWith("_plp")
          || name.endsWith("_clp")
          || name.endsWith("_best_sellers")
          || name.endsWith("_reviews");
    }

    ObjectNode summary() {
      ObjectNode node = Json.object();
      node.put("name", name);
      node.put("display_name", displayName);
      node.put(
          "description",
          "The "
              + displayName
              + " agent extracts structured data from "
              + domain
              + (listing() ? " result listings." : " detail pages."));
      node.put("vertical", vertical);
      node.put("entity_type", entityType);
      node.put("domain", domain);
      node.put("is_public", true);
      node.put("managed_by", "nimble");
      return node;
    }
  }

  private static final Map<String, Agent> AGENTS = new LinkedHashMap<>();

  static {
    String pdp = "Product Detail Page (PDP)";
    String serp = "Search Engine Results Page (SERP)";
    String plp = "Product Listing Page (PLP)";
    String clp = "Category Landing Page (CLP)";
    add(
        "aldi_clp",
        "Aldi Category Landing Page",
        "Ecommerce",
        clp,
        "www.aldi.us",
        "category",
        "/c/");
    add(
        "aldi_pdp",
        "Aldi Product Details Page",
        "Ecommerce",
        pdp,
        "www.aldi.us",
        "product_id",
        "/p/");
    add(
        "amazon_best_sellers",
        "Amazon Best Sellers",
        "Ecommerce",
        plp,
        "www.amazon.com",
        "category",
        "/gp/bestsellers/");
    add(
        "amazon_pdp",
        "Amazon Product Details Page",
        "Ecommerce",
        pdp,
        "www.amazon.com",
        "asin",
        "/dp/");
    add("amazon_plp", "Amazon CLP", "Ecommerce", clp, "www.amazon.com", "category", "/b?node=");
    add(
        "amazon_serp",
        "Amazon Search Results",
        "Ecommerce",
        serp,
        "www.amazon.com",
        "keyword",
        "/s?k=");
    add(
        "best_buy_pdp",
        "Best Buy Product Details Page",
        "Ecommerce",
        pdp,
        "www.bestbuy.com",
        "sku",
        "/site/");
    add(
        "doordash_pdp",
        "DoorDash Store Page",
        "Food",
        pdp,
        "www.doordash.com",
        "store_id",
        "/store/");
    add(
        "google_maps_reviews",
        "Google Maps Reviews",
        "Search",
        serp,
        "www.google.com",
        "place_id",
        "/maps/place/?q=place_id:");
    add(
        "google_maps_search",
        "Google Maps Search",
        "Search",
        serp,
        "www.google.com",
        "query",
        "/maps/search/");
    add("google_search", "Google Search", "Search", serp, "www.google.com", "query", "/search?q=");
    add(
        "homedepot_pdp",
        "Home Depot Product Details Page",
        "Ecommerce",
        pdp,
        "www.homedepot.com",
        "product_id",
        "/p/");
    add(
        "homedepot_serp",
        "Home Depot Search Results",
        "Ecommerce",
        serp,
        "www.homedepot.com",
        "keyword",
        "/s/");
    add(
        "instagram_post",
        "Instagram Post",
        "Social",
        "Post",
        "www.instagram.com",
        "post_id",
        "/p/");
    add(
        "kroger_pdp",
        "Kroger Product Details Page",
        "Ecommerce",
        pdp,
        "www.kroger.com",
        "product_id",
        "/p/");
    add(
        "perplexity",
        "Perplexity Answer",
        "LLM",
        "Answer",
        "www.perplexity.ai",
        "prompt",
        "/search?q=");
    add(
        "target_pdp",
        "Target Product Details Page",
        "Ecommerce",
        pdp,
        "www.target.com",
        "tcin",
        "/p/-/A-");
    add(
        "target_serp",
        "Target Search Results",
        "Ecommerce",
        serp,
        "www.target.com",
        "query",
        "/s?searchTerm=");
    add(
        "tiktok_account",
        "TikTok Account",
        "Social",
        "Profile",
        "www.tiktok.com",
        "username",
        "/@");
    add(
        "walmart_pdp",
        "Walmart Product Details Page",
        "Ecommerce",
        pdp,
        "www.walmart.com",
        "product_id",
        "/ip/");
    add(
        "walmart_serp",
        "Walmart Search Results",
        "Ecommerce",
        serp,
        "www.walmart.com",
        "keyword",
        "/search?q=");
    add(
        "yelp_serp",
        "Yelp Search Results",
        "Local",
        serp,
        "www.yelp.com",
        "query",
        "/search?find_desc=");
    add(
        "youtube_shorts",
        "YouTube Shorts",
        "Social",
        "Video",
        "www.youtube.com",
        "video_id",
        "/shorts/");
    add(
        "zillow_pdp",
        "Zillow Property Details",
        "Real Estate",
        pdp,
        "www.zillow.com",
        "zpid",
        "/homedetails/");
    add(
        "zillow_plp",
        "Zillow Property Listings",
        "Real Estate",
        plp,
        "www.zillow.com",
        "zip_code",
        "/homes/");
  }

  private AgentCatalog() {}

  private static void add(
      String name,
      String displayName,
      String vertical,
      String entityType,
      String domain,
      String mainParam,
      String path) {
    AGENTS.put(name, new Agent(name, displayName, vertical, entityType, domain, mainParam, path));
  }

  /** The agent, or null if there is none of that name. */
  static Agent find(String name) {
    return AGENTS.get(name);
  }

  static List<Agent> all() {
    return List.copyOf(AGENTS.values());
  }
}
